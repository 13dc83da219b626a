import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { authenticate } from "../auth.ts";
import { mountAuthorize } from "./authorize.ts";
import { mountMetadata } from "./metadata.ts";
import { mountToken } from "./token.ts";

export { apiCors } from "./cors.ts";

/**
 * OAuth 2 for Mastodon clients. Must be mounted before the other API modules: it installs the
 * middleware that resolves bearer tokens for every /api/* route, which their
 * `requireScope`/`requireUser` guards read.
 */
export function mountOauth(routes: Hono, app: WeftApp): void {
  const auth = authenticate(app);
  routes.use("/api/*", auth);
  routes.use("/oauth/userinfo", auth);
  mountAuthorize(routes, app);
  mountToken(routes, app);
  mountMetadata(routes, app);
}
