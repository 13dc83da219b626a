import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { authenticate, optionalScope, requireScope, requireUser } from "../auth.ts";
import { ApiError } from "../errors.ts";
import { pathId, viewerOf, visibleStatus } from "./status-views.ts";
import { loadCards } from "../../domain/cards.ts";
import { serializePreviewCard } from "../entities/card.ts";

/**
 * Endpoints apps call for features Weft does not offer, answered exactly as a Mastodon without
 * them answers, so that apps show their usual "not available" state rather than an error page.
 */
export function mount(routes: Hono, app: WeftApp): void {
  const auth = authenticate(app);

  // Mastodon without a translation service: 404 for a post you may not see, else "not allowed".
  // Apps learn it up front from /api/v2/instance (configuration.translation.enabled: false).
  routes.post("/api/v1/statuses/:id{[0-9]+}/translate", auth, requireScope("read:statuses"), async (c) => {
    await visibleStatus(app, pathId(c), viewerOf(c));
    throw new ApiError(403, "This action is not allowed");
  });

  // Removed from Mastodon in 3.0 (the card is on the Status now), still called by old apps. As
  // the endpoint did: the card, or an empty object when there is none.
  routes.get("/api/v1/statuses/:id{[0-9]+}/card", auth, optionalScope("read:statuses"), async (c) => {
    const status = await visibleStatus(app, pathId(c), viewerOf(c));
    const card = (await loadCards(app.ctx, [status.reblog_of_id ?? status.id])).get(status.reblog_of_id ?? status.id);
    return c.json(card ? serializePreviewCard(card) : {});
  });

  // Identity proofs were removed from Mastodon in 3.5; it still answers signed-in users an empty list.
  routes.get("/api/v1/accounts/:id{[0-9]+}/identity_proofs", auth, requireScope("read:accounts"), requireUser, (c) => c.json([]));

  // Weft sends no e-mail: every address counts as confirmed, which is what Mastodon answers then.
  routes.post("/api/v1/emails/confirmations", auth, requireScope("write:accounts"), requireUser, () => {
    throw new ApiError(403, "This method is only available while the e-mail is awaiting confirmation");
  });
}
