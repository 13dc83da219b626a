import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { loadAccounts } from "../../domain/hydrate.ts";
import { isId, normaliseId } from "../../domain/ids.ts";
import { dismissSuggestion, suggestedAccountIds } from "../../domain/suggestions.ts";
import { authenticate, currentAccount, requireScope, requireUser } from "../auth.ts";
import { serializeAccount } from "../entities/account.ts";
import { notFound } from "../errors.ts";

/** Follow suggestions (domain/suggestions.ts), in the v1 shape (accounts) and the v2 one (with reasons). */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);
  const read = [auth, requireScope("read:accounts"), requireUser] as const;

  const suggested = async (me: string, rawLimit: string | undefined) => {
    const n = Number.parseInt(rawLimit ?? "", 10);
    const limit = Number.isFinite(n) && n > 0 ? Math.min(n, 80) : 40;
    const views = await loadAccounts(ctx, await suggestedAccountIds(ctx, me, limit));
    return views.map((v) => serializeAccount(v, config));
  };

  routes.get("/api/v1/suggestions", ...read, async (c) => c.json(await suggested(currentAccount(c).id, c.req.query("limit"))));

  // `source` is the pre-4.3 field some apps still read; `sources` says why, in Mastodon's words.
  routes.get("/api/v2/suggestions", ...read, async (c) => {
    const accounts = await suggested(currentAccount(c).id, c.req.query("limit"));
    return c.json(accounts.map((account) => ({ source: "global", sources: ["most_followed"], account })));
  });

  routes.delete("/api/v1/suggestions/:account_id", auth, requireScope("write:accounts"), requireUser, async (c) => {
    const raw = c.req.param("account_id");
    if (!isId(raw)) throw notFound();
    await dismissSuggestion(ctx, currentAccount(c).id, normaliseId(raw));
    return c.json({});
  });
}
