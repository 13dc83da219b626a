import { Hono } from "hono";
import type { WeftApp } from "../../src/app.ts";
import { mountApi } from "../../src/api/index.ts";

/*
 * Every client-API route Weft serves, read from Hono itself rather than written out by hand,
 * so a newly mounted endpoint joins the auth sweep without anyone remembering to list it.
 * mountApi is what createHttpApp mounts on its inner router; mounting it again on a scratch
 * router only registers handlers (nothing listens or starts).
 */

export interface ApiRoute {
  method: string;
  /** Hono's pattern, e.g. /api/v1/statuses/:id{[0-9]+} */
  path: string;
}

export function apiRoutes(app: WeftApp): ApiRoute[] {
  const router = new Hono();
  mountApi(router, app);
  const seen = new Set<string>();
  const out: ApiRoute[] = [];
  for (const { method, path } of router.routes) {
    // Middleware (`use`) shows up as method ALL; only real endpoints under /api/ count.
    if (method === "ALL" || !path.startsWith("/api/")) continue;
    const key = `${method} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method, path });
  }
  return out;
}
