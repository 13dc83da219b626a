import type { Hono } from "hono";
import type { WeftApp } from "../app.ts";

/** Public server-rendered pages and the web app's assets. */
export function mountWeb(routes: Hono, app: WeftApp): void {
  void routes;
  void app;
}
