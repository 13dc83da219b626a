import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import {
  activeLocalUser,
  authenticateLocalUser,
  findAppByClientId,
  redeemAuthorizationCode,
  secretMatches,
} from "../../domain/oauth.ts";
import { createAccessToken, hashToken, revokeToken, type OauthApp, type OauthToken } from "../../domain/tokens.ts";
import { readParams, stringParam, type Params } from "../body.ts";
import { oauthError } from "./errors.ts";
import { parseScopes, scopesWithin, unknownScopes } from "./scopes.ts";

/** POST /oauth/token (authorization_code, client_credentials, password) and POST /oauth/revoke. */
export function mountToken(routes: Hono, app: WeftApp): void {
  routes.post("/oauth/token", async (c) => {
    c.header("Cache-Control", "no-store");
    c.header("Pragma", "no-cache");
    const params = await readParams(c);
    const grantType = stringParam(params.grant_type);
    if (!grantType) throw oauthError("invalid_request", "Missing required parameter: grant_type.");
    const client = await authenticateClient(c, app, params);
    switch (grantType) {
      case "authorization_code":
        return tokenResponse(c, await authorizationCodeGrant(app, params, client));
      case "client_credentials":
        requireSecret(client);
        return tokenResponse(c, await clientCredentialsGrant(app, params, client.app));
      case "password":
        requireSecret(client);
        return tokenResponse(c, await passwordGrant(app, params, client.app));
      default:
        throw oauthError("unsupported_grant_type");
    }
  });

  routes.post("/oauth/revoke", async (c) => {
    const params = await readParams(c);
    const client = await authenticateClient(c, app, params);
    requireSecret(client);
    const token = stringParam(params.token);
    if (!token) throw oauthError("invalid_request", "Missing required parameter: token.");
    const row = await app.ctx.db
      .selectFrom("oauth_tokens")
      .select(["id", "app_id"])
      .where("token_hash", "=", hashToken(token))
      .executeTakeFirst();
    // RFC 7009 §2.2: an unknown token is answered like a revoked one.
    if (row) {
      if (row.app_id !== client.app.id) throw oauthError("unauthorized_client", "You are not authorized to revoke this token");
      await revokeToken(app.ctx, token);
    }
    return c.json({});
  });
}

interface Client {
  app: OauthApp;
  /** false when only client_id was given: allowed solely for a PKCE-protected code exchange */
  authenticated: boolean;
}

/** Client credentials from HTTP Basic (client_secret_basic) or the body (client_secret_post). */
async function authenticateClient(c: Context, app: WeftApp, params: Params): Promise<Client> {
  let clientId = stringParam(params.client_id);
  let secret = stringParam(params.client_secret);
  const basic = /^Basic\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  if (basic) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw oauthError("invalid_client");
    try {
      clientId = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    } catch {
      throw oauthError("invalid_client");
    }
  }
  if (!clientId) throw oauthError("invalid_client");
  const found = await findAppByClientId(app.ctx, clientId);
  if (!found) throw oauthError("invalid_client");
  if (secret === undefined || secret === "") return { app: found, authenticated: false };
  if (!secretMatches(found, secret)) throw oauthError("invalid_client");
  return { app: found, authenticated: true };
}

function requireSecret(client: Client): void {
  if (!client.authenticated) throw oauthError("invalid_client");
}

async function authorizationCodeGrant(app: WeftApp, params: Params, client: Client): Promise<OauthToken & { token: string }> {
  const code = stringParam(params.code);
  if (!code) throw oauthError("invalid_request", "Missing required parameter: code.");
  const redirectUri = stringParam(params.redirect_uri);
  if (!redirectUri) throw oauthError("invalid_request", "Missing required parameter: redirect_uri.");
  const verifier = stringParam(params.code_verifier) || null;
  const result = await redeemAuthorizationCode(app.ctx, {
    code,
    appId: client.app.id,
    redirectUri,
    codeVerifier: verifier,
    clientAuthenticated: client.authenticated,
  });
  if (!result.ok) {
    if (result.reason === "client_unauthenticated") throw oauthError("invalid_client");
    throw oauthError("invalid_grant");
  }
  const user = await activeLocalUser(app.ctx, result.code.account_id);
  if (!user?.approved) throw oauthError("invalid_grant");
  return issue(app, { accountId: user.account.id, appId: client.app.id, scopes: result.code.scopes });
}

function requestedScopes(params: Params, app: OauthApp): string {
  const scopes = parseScopes(stringParam(params.scope) ?? "read");
  if (scopes.length === 0) scopes.push("read");
  if (unknownScopes(scopes).length > 0 || !scopesWithin(scopes, parseScopes(app.scopes))) throw oauthError("invalid_scope");
  return scopes.join(" ");
}

async function clientCredentialsGrant(app: WeftApp, params: Params, client: OauthApp) {
  return issue(app, { accountId: null, appId: client.id, scopes: requestedScopes(params, client) });
}

async function passwordGrant(app: WeftApp, params: Params, client: OauthApp) {
  const login = stringParam(params.username);
  const password = stringParam(params.password);
  if (!login || !password) throw oauthError("invalid_request", "Missing required parameters: username and password.");
  const scopes = requestedScopes(params, client);
  const user = await authenticateLocalUser(app.ctx, login, password);
  if (!user || !user.approved) throw oauthError("invalid_grant");
  return issue(app, { accountId: user.account.id, appId: client.id, scopes });
}

async function issue(app: WeftApp, input: { accountId: string | null; appId: string; scopes: string }) {
  const { token, row } = await createAccessToken(app.ctx, input);
  return { ...row, token };
}

function tokenResponse(c: Context, issued: OauthToken & { token: string }): Response {
  return c.json({
    access_token: issued.token,
    token_type: "Bearer",
    scope: issued.scopes,
    created_at: Math.floor(Date.parse(issued.created_at) / 1000),
  });
}
