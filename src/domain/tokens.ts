import { createHash, randomBytes } from "node:crypto";
import type { Selectable } from "kysely";
import type { OauthAppTable, OauthTokenTable } from "../db/schema.ts";
import type { Ctx } from "./context.ts";
import { newId, nowIso } from "./ids.ts";

export type OauthApp = Selectable<OauthAppTable>;
export type OauthToken = Selectable<OauthTokenTable>;

/** Bearer tokens are stored only as their SHA-256, so a database leak leaks no sessions. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export async function createOauthApp(
  ctx: Ctx,
  input: { name: string; website?: string | null; redirectUris: string; scopes: string },
): Promise<OauthApp> {
  const row: OauthApp = {
    id: newId(),
    name: input.name,
    website: input.website ?? null,
    redirect_uris: input.redirectUris,
    scopes: input.scopes,
    client_id: randomToken(32),
    client_secret: randomToken(32),
    created_at: nowIso(),
  };
  await ctx.db.insertInto("oauth_apps").values(row).execute();
  return row;
}

/** Issues a bearer token; returns the token itself (shown once) and its row. */
export async function createAccessToken(
  ctx: Ctx,
  input: { accountId: string | null; appId: string | null; scopes: string },
): Promise<{ token: string; row: OauthToken }> {
  const token = randomToken(32);
  const row: OauthToken = {
    id: newId(),
    token_hash: hashToken(token),
    app_id: input.appId,
    account_id: input.accountId,
    scopes: input.scopes,
    created_at: nowIso(),
    revoked_at: null,
    last_used_at: null,
  };
  await ctx.db.insertInto("oauth_tokens").values(row).execute();
  return { token, row };
}

export async function findActiveToken(ctx: Ctx, token: string): Promise<OauthToken | undefined> {
  return ctx.db
    .selectFrom("oauth_tokens")
    .selectAll()
    .where("token_hash", "=", hashToken(token))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}

export async function revokeToken(ctx: Ctx, token: string): Promise<void> {
  await ctx.db
    .updateTable("oauth_tokens")
    .set({ revoked_at: nowIso() })
    .where("token_hash", "=", hashToken(token))
    .where("revoked_at", "is", null)
    .execute();
}
