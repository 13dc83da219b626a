import type { Hono } from "hono";
import type { WeftApp } from "../app.ts";
import { mountPublicPages } from "./pages/routes.ts";

/** Public server-rendered pages and the web app's assets. */
export function mountWeb(routes: Hono, app: WeftApp): void {
  mountPublicPages(routes, app);
}
