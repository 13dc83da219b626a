import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { getAccountByUri, type Account } from "../../domain/accounts.ts";
import { loadRelationships } from "../../domain/hydrate.ts";
import { isId, normaliseId } from "../../domain/ids.ts";
import { findLocalStatusByUrl, loadTags, searchAccounts, searchHashtags, searchStatuses } from "../../domain/search.ts";
import { storePostObject } from "../../federation/fetch-thread.ts";
import { parseHandle, resolveAccount, resolveObjectUri } from "../../federation/lookup.ts";
import { authenticate, currentAuth, optionalScope } from "../auth.ts";
import { serializeTag } from "../entities/tag.ts";
import { ApiError } from "../errors.ts";
import { accountsJson, statusesJson, viewerOf, visibleStatus } from "../v1/status-views.ts";

type SearchType = "accounts" | "hashtags" | "statuses";

function flag(c: Context, name: string): boolean {
  const v = c.req.query(name);
  return v !== undefined && ["1", "true", "t", "on", "yes"].includes(v.toLowerCase());
}

function intQuery(c: Context, name: string, fallback: number, max: number): number {
  const n = Number.parseInt(c.req.query(name) ?? "", 10);
  return Number.isFinite(n) && n >= 0 ? Math.min(n, max) : fallback;
}

/**
 * GET /api/v2/search. A pasted URL or full handle is looked up first (and, with resolve=true
 * and a signed-in user, fetched from its server and stored); then local matches follow.
 */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;

  routes.get("/api/v2/search", authenticate(app), optionalScope("read:search"), async (c) => {
    const q = c.req.query("q");
    if (q === undefined) throw new ApiError(400, "Missing parameter: q");
    const viewer = viewerOf(c);
    const signedIn = !!currentAuth(c)?.account;
    const resolve = flag(c, "resolve");
    const offset = intQuery(c, "offset", 0, 10_000);
    if (!signedIn && resolve) throw new ApiError(401, "Search queries that resolve remote resources are not supported without authentication");
    if (!signedIn && offset > 0) throw new ApiError(401, "Search queries with offset are not supported without authentication");
    const limit = intQuery(c, "limit", 20, 40) || 20;
    const typeParam = c.req.query("type");
    const wants = (t: SearchType) => !typeParam || typeParam === t;
    const accountId = c.req.query("account_id");

    const found = offset === 0 ? await lookUp(app, q.trim(), { resolve, viewer, wants }) : { accounts: [], statuses: [] };
    let accountIds: string[] = [];
    let statusIds: string[] = [];
    let tagIds: string[] = [];
    if (wants("accounts")) {
      const more = await searchAccounts(ctx, q, { limit, offset, viewerId: viewer, following: flag(c, "following") });
      accountIds = [...new Set([...found.accounts, ...more])].slice(0, limit);
      accountIds = await withoutBlocked(app, accountIds, viewer);
    }
    if (wants("statuses") && viewer) {
      const more = await searchStatuses(ctx, q, {
        limit, offset, viewerId: viewer, accountId: accountId && isId(accountId) ? normaliseId(accountId) : null,
      });
      statusIds = [...new Set([...found.statuses, ...more])].slice(0, limit);
    } else if (wants("statuses")) {
      statusIds = found.statuses;
    }
    if (wants("hashtags") && !/^https?:\/\//i.test(q.trim())) tagIds = await searchHashtags(ctx, q.replace(/^#/, ""), { limit, offset });

    const tags = await loadTags(ctx, tagIds);
    return c.json({
      accounts: await accountsJson(app, accountIds),
      statuses: await statusesJson(app, statusIds, viewer),
      hashtags: tags.map((t) => serializeTag(t, config)),
    });
  });
}

async function withoutBlocked(app: WeftApp, ids: string[], viewer: string | null): Promise<string[]> {
  if (!viewer || !ids.length) return ids;
  const rels = await loadRelationships(app.ctx, viewer, ids);
  const hidden = new Set(rels.filter((r) => r.blocking || r.blockedBy).map((r) => r.targetId));
  return ids.filter((id) => !hidden.has(id));
}

/** The account or status a URL or handle names, when the viewer may see it. */
async function lookUp(
  app: WeftApp,
  q: string,
  opts: { resolve: boolean; viewer: string | null; wants: (t: SearchType) => boolean },
): Promise<{ accounts: string[]; statuses: string[] }> {
  const out = { accounts: [] as string[], statuses: [] as string[] };
  const visible = async (id: string) => {
    try {
      await visibleStatus(app, id, opts.viewer);
      return true;
    } catch {
      return false;
    }
  };
  if (/^https?:\/\//i.test(q)) {
    const local = await findLocalStatusByUrl(app.ctx, q);
    if (local) {
      if (opts.wants("statuses") && (await visible(local))) out.statuses.push(local);
      return out;
    }
    const known = await getAccountByUri(app.ctx, q);
    if (known && !known.deleted_at) {
      out.accounts.push(known.id);
      return out;
    }
    if (!opts.resolve) return out;
    const resolved = await resolveObjectUri(app, q).catch(() => null);
    if (resolved?.kind === "account") out.accounts.push(resolved.account.id);
    if (resolved?.kind === "object") {
      const status = await storePostObject({ app, options: {} }, resolved.object).catch(() => null);
      if (status && opts.wants("statuses") && (await visible(status.id))) out.statuses.push(status.id);
    }
    return out;
  }
  const handle = parseHandle(q);
  if (handle?.domain && opts.wants("accounts")) {
    let account: Account | null = null;
    if (opts.resolve) account = await resolveAccount(app, q).catch(() => null);
    if (account && !account.deleted_at) out.accounts.push(account.id);
  }
  return out;
}
