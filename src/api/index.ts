import type { Hono } from "hono";
import type { WeftApp } from "../app.ts";

/**
 * Mounts the Mastodon client API and OAuth. Each module exports `mount(routes, app)`;
 * add one line per module here.
 */
export function mountApi(routes: Hono, app: WeftApp): void {
  void routes;
  void app;
}
