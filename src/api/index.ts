import type { Hono } from "hono";
import type { WeftApp } from "../app.ts";
import { mountOauth } from "./oauth/index.ts";
import { mountApps } from "./v1/apps.ts";

/**
 * Mounts the Mastodon client API and OAuth. Each module exports `mount(routes, app)`;
 * add one line per module here.
 */
export function mountApi(routes: Hono, app: WeftApp): void {
  mountOauth(routes, app); // first: resolves bearer tokens for every route after it
  mountApps(routes, app);
  void routes;
  void app;
}
