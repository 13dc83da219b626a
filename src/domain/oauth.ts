import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Selectable } from "kysely";
import type { OauthCodeTable } from "../db/schema.ts";
import type { Account } from "./accounts.ts";
import type { Ctx } from "./context.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import { hashToken, randomToken, type OauthApp } from "./tokens.ts";

export type OauthCode = Selectable<OauthCodeTable>;

const CODE_TTL_MS = 10 * 60 * 1000;

export async function findAppByClientId(ctx: Ctx, clientId: string): Promise<OauthApp | undefined> {
  return ctx.db.selectFrom("oauth_apps").selectAll().where("client_id", "=", clientId).executeTakeFirst();
}

export async function findAppById(ctx: Ctx, id: string): Promise<OauthApp | undefined> {
  return ctx.db.selectFrom("oauth_apps").selectAll().where("id", "=", id).executeTakeFirst();
}

export function secretMatches(app: OauthApp, secret: string): boolean {
  const a = Buffer.from(hashToken(app.client_secret));
  const b = Buffer.from(hashToken(secret));
  return timingSafeEqual(a, b);
}

/** The app's registered redirect URIs; stored whitespace-separated, as Mastodon does. */
export function redirectUrisOf(app: Pick<OauthApp, "redirect_uris">): string[] {
  return app.redirect_uris.split(/\s+/).filter((u) => u.length > 0);
}

/** Issues a one-time authorization code; only its hash is stored. */
export async function createAuthorizationCode(
  ctx: Ctx,
  input: {
    appId: string;
    accountId: string;
    redirectUri: string;
    scopes: string;
    codeChallenge: string | null;
    codeChallengeMethod: string | null;
  },
): Promise<string> {
  const code = randomToken(32);
  await ctx.db
    .insertInto("oauth_codes")
    .values({
      code_hash: hashToken(code),
      app_id: input.appId,
      account_id: input.accountId,
      redirect_uri: input.redirectUri,
      scopes: input.scopes,
      code_challenge: input.codeChallenge,
      code_challenge_method: input.codeChallengeMethod,
      expires_at: new Date(Date.now() + CODE_TTL_MS).toISOString(),
      used_at: null,
    })
    .execute();
  return code;
}

export type CodeCheck =
  | { ok: true; code: OauthCode }
  | {
    ok: false;
    reason: "unknown" | "used" | "expired" | "other_client" | "redirect_mismatch" | "pkce_failed" | "client_unauthenticated";
  };

/**
 * Checks a code against the exchange request and, when everything matches, marks it used in the
 * same statement that checks it was unused, so two racing exchanges cannot both succeed.
 * A client that sent no secret may only redeem a code bound to a PKCE challenge.
 */
export async function redeemAuthorizationCode(
  ctx: Ctx,
  input: { code: string; appId: string; redirectUri: string | null; codeVerifier: string | null; clientAuthenticated: boolean },
): Promise<CodeCheck> {
  const hash = hashToken(input.code);
  const row = await ctx.db.selectFrom("oauth_codes").selectAll().where("code_hash", "=", hash).executeTakeFirst();
  if (!row) return { ok: false, reason: "unknown" };
  if (row.used_at) return { ok: false, reason: "used" };
  if (row.expires_at < new Date().toISOString()) return { ok: false, reason: "expired" };
  if (row.app_id !== input.appId) return { ok: false, reason: "other_client" };
  if (!input.clientAuthenticated && !row.code_challenge) return { ok: false, reason: "client_unauthenticated" };
  if (input.redirectUri !== null && input.redirectUri !== row.redirect_uri) return { ok: false, reason: "redirect_mismatch" };
  if (!pkceMatches(row, input.codeVerifier)) return { ok: false, reason: "pkce_failed" };
  const result = await ctx.db
    .updateTable("oauth_codes")
    .set({ used_at: new Date().toISOString() })
    .where("code_hash", "=", hash)
    .where("used_at", "is", null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return { ok: false, reason: "used" };
  return { ok: true, code: row };
}

function pkceMatches(row: OauthCode, verifier: string | null): boolean {
  if (!row.code_challenge) return verifier === null;
  // RFC 7636 §4.1: 43–128 unreserved characters.
  if (verifier === null || !/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
  const computed = row.code_challenge_method === "plain"
    ? verifier
    : createHash("sha256").update(verifier).digest("base64url");
  const a = Buffer.from(hashToken(computed));
  const b = Buffer.from(hashToken(row.code_challenge));
  return timingSafeEqual(a, b);
}

export interface SignInUser {
  account: Account;
  approved: boolean;
}

let dummyHash: Promise<string> | null = null;

/**
 * Finds a local user by username (with or without a leading @ or the local domain) or by e-mail,
 * and checks the password. An unknown login still costs one scrypt, so response time does not
 * reveal which usernames exist.
 */
export async function authenticateLocalUser(ctx: Ctx, login: string, password: string): Promise<SignInUser | null> {
  const found = await findUserByLogin(ctx, login);
  if (!found) {
    dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
    await verifyPassword(password, await dummyHash);
    return null;
  }
  if (!(await verifyPassword(password, found.password_hash))) return null;
  const { password_hash: _p, approved, ...account } = found;
  return { account, approved: approved === 1 };
}

async function findUserByLogin(ctx: Ctx, login: string) {
  const trimmed = login.trim();
  if (trimmed.length === 0) return undefined;
  const base = ctx.db
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .selectAll("accounts")
    .select(["users.password_hash", "users.approved"])
    .where("accounts.domain", "is", null)
    .where("accounts.deleted_at", "is", null);
  if (trimmed.includes("@") && !trimmed.startsWith("@")) {
    const byEmail = await base
      .where((eb) => eb(eb.fn("lower", ["users.email"]), "=", trimmed.toLowerCase()))
      .executeTakeFirst();
    if (byEmail) return byEmail;
  }
  const [user, host] = trimmed.replace(/^@/, "").split("@");
  if (host !== undefined && host.toLowerCase() !== ctx.config.url.host.toLowerCase()) return undefined;
  return base.where((eb) => eb(eb.fn("lower", ["accounts.username"]), "=", user.toLowerCase())).executeTakeFirst();
}

/** Whether an account can still act: exists, not deleted, and its user is approved. */
export async function activeLocalUser(ctx: Ctx, accountId: string): Promise<SignInUser | null> {
  const row = await ctx.db
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .selectAll("accounts")
    .select("users.approved")
    .where("accounts.id", "=", accountId)
    .where("accounts.deleted_at", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  const { approved, ...account } = row;
  return { account, approved: approved === 1 };
}

const secrets = new WeakMap<Ctx, Promise<string>>();

/**
 * The key that signs session cookies and CSRF tokens: WEFT_SECRET when set, otherwise one
 * generated on first use and kept in instance_settings so every process of the instance agrees.
 */
export function instanceSecret(ctx: Ctx): Promise<string> {
  if (ctx.config.secretKeyBase) return Promise.resolve(ctx.config.secretKeyBase);
  let secret = secrets.get(ctx);
  if (!secret) {
    secret = loadOrCreateSecret(ctx);
    secrets.set(ctx, secret);
    secret.catch(() => secrets.delete(ctx));
  }
  return secret;
}

async function loadOrCreateSecret(ctx: Ctx): Promise<string> {
  const key = "secret_key_base";
  await ctx.db
    .insertInto("instance_settings")
    .values({ key, value: JSON.stringify(randomBytes(64).toString("hex")) })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  const row = await ctx.db.selectFrom("instance_settings").select("value").where("key", "=", key).executeTakeFirstOrThrow();
  return JSON.parse(row.value) as string;
}
