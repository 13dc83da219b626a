import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

/*
 * Browser clients on other origins (Elk, Phanpy, the Mastodon web UI elsewhere) call the API,
 * the token endpoints and the discovery documents directly. Credentials travel in the
 * Authorization header, never in cookies, so any origin may be allowed.
 */
const CORS_PATHS = [/^\/api\//, /^\/oauth\/(token|revoke|userinfo)$/, /^\/\.well-known\//, /^\/nodeinfo\//];

const handler = cors({
  origin: "*",
  allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key"],
  exposeHeaders: ["Link", "X-RateLimit-Reset", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-Request-Id"],
  maxAge: 86400,
});

/** CORS for the public API surface; other paths (pages, ActivityPub inboxes) pass through untouched. */
export function apiCors(): MiddlewareHandler {
  return async (c, next) => {
    if (!CORS_PATHS.some((re) => re.test(c.req.path))) return next();
    return handler(c, next);
  };
}
