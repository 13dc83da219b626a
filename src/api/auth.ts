import type { Context, MiddlewareHandler } from "hono";
import type { WeftApp } from "../app.ts";
import type { Account } from "../domain/accounts.ts";
import type { Ctx } from "../domain/context.ts";
import { activeLocalUser } from "../domain/oauth.ts";
import { findActiveToken, type OauthToken } from "../domain/tokens.ts";
import { ApiError } from "./errors.ts";
import { parseScopes, scopeCovers } from "./oauth/scopes.ts";

/** Who is calling: the bearer token, its scopes, and the account it acts for (none for app-only tokens). */
export interface AuthInfo {
  token: OauthToken;
  scopes: string[];
  account: Account | null;
  /** false while the account's sign-up awaits approval */
  approved: boolean;
}

/** What a request's credentials resolved to; `invalid` means a token was sent but is unknown or revoked. */
export type AuthState = { kind: "none" } | { kind: "invalid" } | { kind: "valid"; auth: AuthInfo };

declare module "hono" {
  interface ContextVariableMap {
    weftAuth: AuthState;
  }
}

const INVALID = "The access token is invalid";
const OUT_OF_SCOPE = "This action is outside the authorized scopes";
const LAST_USED_GRANULARITY_MS = 60_000;

/** The token from `Authorization: Bearer …`, else the `access_token` query parameter (streaming, some clients). */
export function bearerToken(req: Request): string | null {
  const header = req.headers.get("authorization");
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? m[1] : null;
  }
  const fromQuery = new URL(req.url).searchParams.get("access_token");
  return fromQuery && fromQuery.length > 0 ? fromQuery : null;
}

/** Looks a raw token up; null when unknown, revoked, or its account is gone. */
export async function resolveToken(ctx: Ctx, raw: string): Promise<AuthInfo | null> {
  const token = await findActiveToken(ctx, raw);
  if (!token) return null;
  let account: Account | null = null;
  let approved = true;
  if (token.account_id) {
    const user = await activeLocalUser(ctx, token.account_id);
    if (!user) return null;
    account = user.account;
    approved = user.approved;
  }
  await touchToken(ctx, token);
  return { token, scopes: parseScopes(token.scopes), account, approved };
}

async function touchToken(ctx: Ctx, token: OauthToken): Promise<void> {
  const now = Date.now();
  if (token.last_used_at && now - Date.parse(token.last_used_at) < LAST_USED_GRANULARITY_MS) return;
  const at = new Date(now).toISOString();
  const cutoff = new Date(now - LAST_USED_GRANULARITY_MS).toISOString();
  try {
    await ctx.db
      .updateTable("oauth_tokens")
      .set({ last_used_at: at })
      .where("id", "=", token.id)
      .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", cutoff)]))
      .execute();
  } catch (err) {
    ctx.log.warn({ err }, "could not record token use");
  }
}

/**
 * Resolves the caller's token once per request and leaves the result on the context. Mounted
 * before every API route; endpoints that ignore authentication are unaffected by a bad token,
 * as in Mastodon, while the guards below turn it into a 401.
 */
export function authenticate(app: WeftApp): MiddlewareHandler {
  return async (c, next) => {
    if (!c.get("weftAuth")) {
      const raw = bearerToken(c.req.raw);
      if (!raw) c.set("weftAuth", { kind: "none" });
      else {
        const auth = await resolveToken(app.ctx, raw);
        c.set("weftAuth", auth ? { kind: "valid", auth } : { kind: "invalid" });
      }
    }
    await next();
  };
}

function stateOf(c: Context): AuthState {
  const state = c.get("weftAuth");
  if (!state) throw new Error("authenticate() must run before this route's auth guards");
  return state;
}

/** The caller's auth, or null when no (valid) token was sent. */
export function currentAuth(c: Context): AuthInfo | null {
  const state = stateOf(c);
  return state.kind === "valid" ? state.auth : null;
}

/** The account acting, for handlers behind `requireUser`. */
export function currentAccount(c: Context): Account {
  const account = currentAuth(c)?.account;
  if (!account) throw new ApiError(422, "This method requires an authenticated user");
  return account;
}

function unauthorized(c: Context): Response {
  c.header("WWW-Authenticate", 'Bearer error="invalid_token", error_description="The access token is invalid"');
  return c.json({ error: INVALID }, 401);
}

function outOfScope(c: Context, scopes: readonly string[]): Response {
  c.header("WWW-Authenticate", `Bearer error="insufficient_scope", scope="${scopes.join(" ")}"`);
  return c.json({ error: OUT_OF_SCOPE }, 403);
}

/**
 * Requires a valid token holding at least one of `scopes` (directly or through a broader scope:
 * `read` satisfies "read:statuses", `follow` satisfies "write:follows", …). No scopes given: any
 * valid token. Missing or bad token → 401; valid token without the scope → 403.
 */
export function requireScope(...scopes: string[]): MiddlewareHandler {
  return async (c, next) => {
    const state = stateOf(c);
    if (state.kind !== "valid") return unauthorized(c);
    if (scopes.length > 0 && !scopes.some((s) => scopeCovers(state.auth.scopes, s))) return outOfScope(c, scopes);
    await next();
  };
}

/**
 * For endpoints that are public but answer more to a signed-in caller (Mastodon's
 * `authorize_if_got_token!`): no token passes; a bad token is 401, a token lacking the scope 403.
 */
export function optionalScope(...scopes: string[]): MiddlewareHandler {
  return async (c, next) => {
    const state = stateOf(c);
    if (state.kind === "invalid") return unauthorized(c);
    if (state.kind === "valid" && scopes.length > 0 && !scopes.some((s) => scopeCovers(state.auth.scopes, s))) {
      return outOfScope(c, scopes);
    }
    await next();
  };
}

/**
 * Requires a token acting for an account. An app-only token (client_credentials) gets 422, an
 * account awaiting approval 403, with Mastodon's wording.
 */
export const requireUser: MiddlewareHandler = async (c, next) => {
  const state = stateOf(c);
  if (state.kind !== "valid") return unauthorized(c);
  if (!state.auth.account) return c.json({ error: "This method requires an authenticated user" }, 422);
  if (!state.auth.approved) return c.json({ error: "Your login is currently pending approval" }, 403);
  await next();
};
