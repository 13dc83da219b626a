import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import type { Account } from "../../domain/accounts.ts";
import { directoryAccounts, familiarFollowers } from "../../domain/directory.ts";
import { loadAccounts, loadRelationships } from "../../domain/hydrate.ts";
import { isId, normaliseId } from "../../domain/ids.ts";
import { searchAccounts } from "../../domain/search.ts";
import { parseHandle, resolveAccount } from "../../federation/lookup.ts";
import { authenticate, currentAccount, optionalScope, requireScope, requireUser } from "../auth.ts";
import { serializeAccount } from "../entities/account.ts";
import { ApiError } from "../errors.ts";
import { flag } from "./accounts-read.ts";
import { accountsJson } from "./status-views.ts";

function intQuery(c: Context, name: string, fallback: number, max: number): number {
  const n = Number.parseInt(c.req.query(name) ?? "", 10);
  return Number.isFinite(n) && n >= 0 ? Math.min(n, max) : fallback;
}

/** `id[]=1&id[]=2`, `id=1`, or `id[0]=1` (masto.js), as one list of ids. */
function idsQuery(c: Context): string[] {
  const out: string[] = [];
  for (const [k, v] of new URL(c.req.url).searchParams) {
    if ((k === "id" || k === "id[]" || /^id\[\d+\]$/.test(k)) && isId(v)) out.push(normaliseId(v));
  }
  return [...new Set(out)].slice(0, 40);
}

/** The profile directory, account search, and familiar followers. */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);

  routes.get("/api/v1/directory", auth, optionalScope("read:accounts"), async (c) => {
    const ids = await directoryAccounts(ctx, {
      order: c.req.query("order") === "new" ? "new" : "active",
      local: flag(c.req.query("local")),
      limit: intQuery(c, "limit", 40, 80) || 40,
      offset: intQuery(c, "offset", 0, 10_000),
    });
    return c.json(await accountsJson(app, ids));
  });

  routes.get("/api/v1/accounts/search", auth, requireScope("read:accounts"), requireUser, async (c) => {
    const q = (c.req.query("q") ?? "").trim();
    if (!q) throw new ApiError(400, "Missing parameter: q");
    const me = currentAccount(c).id;
    const limit = intQuery(c, "limit", 40, 80) || 40;
    const offset = intQuery(c, "offset", 0, 10_000);
    const found: string[] = [];
    // An exact remote handle is looked up on its server when asked to.
    const handle = parseHandle(q);
    if (offset === 0 && flag(c.req.query("resolve")) && handle?.domain) {
      const account: Account | null = await resolveAccount(app, q).catch(() => null);
      if (account && !account.deleted_at) found.push(account.id);
    }
    const more = await searchAccounts(ctx, q, { limit, offset, viewerId: me, following: flag(c.req.query("following")) });
    let ids = [...new Set([...found, ...more])].slice(0, limit);
    const rels = await loadRelationships(ctx, me, ids);
    const hidden = new Set(rels.filter((r) => r.blocking || r.blockedBy).map((r) => r.targetId));
    ids = ids.filter((id) => !hidden.has(id));
    return c.json(await accountsJson(app, ids));
  });

  routes.get("/api/v1/accounts/familiar_followers", auth, requireScope("read:follows"), requireUser, async (c) => {
    const targets = idsQuery(c);
    const map = await familiarFollowers(ctx, currentAccount(c).id, targets);
    const views = new Map((await loadAccounts(ctx, [...map.values()].flat())).map((v) => [v.account.id, v]));
    return c.json(
      targets.map((id) => ({
        id,
        accounts: (map.get(id) ?? []).flatMap((a) => {
          const v = views.get(a);
          return v ? [serializeAccount(v, config)] : [];
        }),
      })),
    );
  });
}
