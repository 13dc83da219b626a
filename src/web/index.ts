import type { Hono } from "hono";
import type { WeftApp } from "../app.ts";
import { mountAdmin } from "./admin/index.ts";
import { mountWebApp } from "./app-routes.ts";
import { mountSettings } from "./settings/index.ts";
import { mountPublicPages } from "./pages/routes.ts";

/** Public server-rendered pages and the web app's assets. */
export function mountWeb(routes: Hono, app: WeftApp): void {
  mountSettings(routes, app); // before the app, whose /settings/* shell would answer these pages
  // Before the public pages: the app takes `/` and shared paths over for a browser it signed in.
  mountWebApp(routes, app);
  mountAdmin(routes, app);
  mountPublicPages(routes, app);
}
