import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { loadAccounts, loadStatuses } from "../../domain/hydrate.ts";
import { isId, normaliseId } from "../../domain/ids.ts";
import { visibleTo } from "../../domain/visibility.ts";
import { authenticate, optionalScope } from "../auth.ts";
import { serializeAccount } from "../entities/account.ts";
import { serializeStatus } from "../entities/status.ts";
import { unprocessable } from "../errors.ts";
import { viewerOf, withoutSilenced } from "./status-views.ts";

/** Mastodon's limits for these lookups (DEFAULT_STATUSES_LIMIT, DEFAULT_ACCOUNTS_LIMIT). */
const MAX_STATUSES = 20;
const MAX_ACCOUNTS = 40;

function idsOf(c: Context, max: number): string[] {
  const raw = [...(c.req.queries("id[]") ?? []), ...(c.req.queries("id") ?? [])];
  const ids = [...new Set(raw.filter(isId).map(normaliseId))];
  if (ids.length > max) throw unprocessable(`at most ${max} ids can be asked at once`);
  return ids;
}

/**
 * Mastodon 4.3's batch lookups: GET /api/v1/statuses?id[]=… and GET /api/v1/accounts?id[]=….
 * Unknown ids, and statuses the caller may not see (or whose author blocks them, or whom they
 * block or mute), are left out; the rest come in the order asked.
 */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);

  routes.get("/api/v1/statuses", auth, optionalScope("read:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const ids = idsOf(c, MAX_STATUSES);
    if (!ids.length) return c.json([]);
    const visible = async (candidates: string[]) =>
      new Set(
        candidates.length
          ? (
              await ctx.db
                .selectFrom("statuses")
                .select("statuses.id")
                .where("statuses.id", "in", candidates)
                .where("statuses.deleted_at", "is", null)
                .where((eb) => visibleTo(eb, viewer))
                .execute()
            ).map((r) => r.id)
          : [],
      );
    const shown = await visible(ids);
    const views = await loadStatuses(ctx, ids.filter((id) => shown.has(id)), viewer);
    // A boost shows only when what it boosts may be seen too.
    const originals = await visible(views.flatMap((v) => (v.reblog ? [v.reblog.status.id] : [])));
    const kept = views.filter((v) => !v.reblog || originals.has(v.reblog.status.id));
    return c.json((await withoutSilenced(app, kept, viewer)).map((v) => serializeStatus(v, config)));
  });

  routes.get("/api/v1/accounts", auth, optionalScope("read:accounts"), async (c) => {
    const views = await loadAccounts(ctx, idsOf(c, MAX_ACCOUNTS));
    return c.json(views.map((v) => serializeAccount(v, config)));
  });
}
