import type { Ctx } from "./context.ts";
import { nowIso } from "./ids.ts";

/** One application that holds at least one live token of the account. */
export interface AuthorizedApp {
  id: string;
  name: string;
  website: string | null;
  /** every scope any of its live tokens carries */
  scopes: string[];
  /** when its first live token was issued */
  authorizedAt: string;
  /** null when none of its tokens has been used since it was issued */
  lastUsedAt: string | null;
}

function latest(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

/** The applications the account has signed in to and not revoked, most recently used first. */
export async function listAuthorizedApps(ctx: Ctx, accountId: string): Promise<AuthorizedApp[]> {
  const rows = await ctx.db
    .selectFrom("oauth_tokens")
    .innerJoin("oauth_apps", "oauth_apps.id", "oauth_tokens.app_id")
    .select([
      "oauth_apps.id as app_id",
      "oauth_apps.name",
      "oauth_apps.website",
      "oauth_tokens.scopes",
      "oauth_tokens.created_at",
      "oauth_tokens.last_used_at",
    ])
    .where("oauth_tokens.account_id", "=", accountId)
    .where("oauth_tokens.revoked_at", "is", null)
    .orderBy("oauth_tokens.id")
    .execute();
  const apps = new Map<string, AuthorizedApp>();
  for (const r of rows) {
    const app = apps.get(r.app_id) ?? {
      id: r.app_id,
      name: r.name,
      website: r.website,
      scopes: [],
      authorizedAt: r.created_at,
      lastUsedAt: null,
    };
    for (const s of r.scopes.split(/\s+/)) if (s && !app.scopes.includes(s)) app.scopes.push(s);
    app.lastUsedAt = latest(app.lastUsedAt, r.last_used_at);
    apps.set(r.app_id, app);
  }
  return [...apps.values()].sort((a, b) => (latest(b.lastUsedAt, b.authorizedAt) ?? "").localeCompare(latest(a.lastUsedAt, a.authorizedAt) ?? ""));
}

/** Revokes every token the application holds for the account; returns how many were live. */
export async function revokeAppForAccount(ctx: Ctx, accountId: string, appId: string): Promise<number> {
  const now = nowIso();
  const res = await ctx.db
    .updateTable("oauth_tokens")
    .set({ revoked_at: now })
    .where("account_id", "=", accountId)
    .where("app_id", "=", appId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  await ctx.db
    .updateTable("oauth_codes")
    .set({ used_at: now })
    .where("account_id", "=", accountId)
    .where("app_id", "=", appId)
    .where("used_at", "is", null)
    .execute();
  return Number(res.numUpdatedRows);
}
