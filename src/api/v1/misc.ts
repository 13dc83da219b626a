import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { authenticate, requireScope, requireUser } from "../auth.ts";
import { ApiError, notFound } from "../errors.ts";

/**
 * Endpoints clients call at start-up for features Weft does not have yet, answered the way a
 * Mastodon without the thing answers: Web Push (no subscription is ever stored).
 */
export function mount(routes: Hono, app: WeftApp): void {
  const auth = authenticate(app);
  const push = [auth, requireScope("push"), requireUser] as const;

  routes.get("/api/v1/push/subscription", ...push, () => {
    throw notFound();
  });
  routes.post("/api/v1/push/subscription", ...push, () => {
    throw new ApiError(422, "Validation failed: Web Push is not supported by this server");
  });
  routes.put("/api/v1/push/subscription", ...push, () => {
    throw notFound();
  });
  // Mastodon answers {} whether or not there was a subscription to delete.
  routes.delete("/api/v1/push/subscription", ...push, (c) => c.json({}));
}
