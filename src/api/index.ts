import type { Hono } from "hono";
import type { WeftApp } from "../app.ts";
import { mountOauth } from "./oauth/index.ts";
import { mountApps } from "./v1/apps.ts";
import { mountMissingImages } from "./entities/images.ts";
import { mount as mountInstanceV1 } from "./v1/instance.ts";
import { mount as mountInstanceV2 } from "./v2/instance.ts";
import { mount as mountAccountsRead } from "./v1/accounts-read.ts";
import { mount as mountStatusesRead } from "./v1/statuses-read.ts";

/**
 * Mounts the Mastodon client API and OAuth. Each module exports `mount(routes, app)`;
 * add one line per module here.
 */
export function mountApi(routes: Hono, app: WeftApp): void {
  mountOauth(routes, app); // first: resolves bearer tokens for every route after it
  mountApps(routes, app);
  mountMissingImages(routes);
  mountInstanceV1(routes, app);
  mountInstanceV2(routes, app);
  mountAccountsRead(routes, app);
  mountStatusesRead(routes, app);
  void routes;
  void app;
}
