import type { Ctx } from "../../domain/context.ts";
import { findAppByClientId, redirectUrisOf } from "../../domain/oauth.ts";
import type { OauthApp } from "../../domain/tokens.ts";
import { stringParam, type Params } from "../body.ts";
import { describeOauthError, type OauthErrorCode } from "./errors.ts";
import type { AuthorizeFields } from "./pages.ts";
import { parseScopes, scopesWithin, unknownScopes } from "./scopes.ts";

export const OOB = "urn:ietf:wg:oauth:2.0:oob";

export interface AuthorizeRequest {
  app: OauthApp;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  forceLogin: boolean;
  /** the request's parameters, normalised, to carry through the sign-in and consent forms */
  fields: AuthorizeFields;
}

/**
 * What to do with an authorization request. Until client and redirect URI are known to belong
 * together nothing may be sent to the redirect URI (RFC 6749 §4.1.2.1), so those problems are
 * shown as a page; later ones go back to the client as `?error=…`.
 */
export type AuthorizeCheck =
  | { kind: "ok"; request: AuthorizeRequest }
  | { kind: "page"; message: string }
  | { kind: "redirect"; redirectUri: string; error: OauthErrorCode; description: string; state: string | undefined };

export async function checkAuthorizeRequest(ctx: Ctx, params: Params): Promise<AuthorizeCheck> {
  const clientId = stringParam(params.client_id);
  const app = clientId ? await findAppByClientId(ctx, clientId) : undefined;
  if (!app) return { kind: "page", message: describeOauthError("invalid_client") };

  const registered = redirectUrisOf(app);
  let redirectUri = stringParam(params.redirect_uri);
  if (!redirectUri && registered.length === 1) redirectUri = registered[0];
  if (!redirectUri) return { kind: "page", message: "The request is missing the redirect_uri parameter." };
  if (!registered.includes(redirectUri)) {
    return { kind: "page", message: "The redirect URI included is not valid for this application." };
  }

  const state = stringParam(params.state) || undefined;
  const fail = (error: OauthErrorCode, description = describeOauthError(error)): AuthorizeCheck =>
    ({ kind: "redirect", redirectUri: redirectUri!, error, description, state });

  const responseType = stringParam(params.response_type);
  if (!responseType) return fail("invalid_request", "The request is missing the response_type parameter.");
  if (responseType !== "code") return fail("unsupported_response_type");

  // Mastodon grants `read` when a client names no scope.
  const scopes = parseScopes(stringParam(params.scope) ?? "read");
  if (scopes.length === 0) scopes.push("read");
  if (unknownScopes(scopes).length > 0 || !scopesWithin(scopes, parseScopes(app.scopes))) return fail("invalid_scope");

  const codeChallenge = stringParam(params.code_challenge) || null;
  let codeChallengeMethod = stringParam(params.code_challenge_method) || null;
  if (codeChallenge) {
    codeChallengeMethod ??= "plain";
    if (codeChallengeMethod !== "S256" && codeChallengeMethod !== "plain") {
      return fail("invalid_request", "The code challenge method must be S256.");
    }
    if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(codeChallenge)) {
      return fail("invalid_request", "The code challenge must be 43 to 128 characters of A-Z, a-z, 0-9, -, ., _ or ~.");
    }
  } else if (codeChallengeMethod) {
    return fail("invalid_request", "The request has code_challenge_method but no code_challenge.");
  }

  const forceLogin = ["true", "1", "yes"].includes((stringParam(params.force_login) ?? "").toLowerCase());
  return {
    kind: "ok",
    request: {
      app,
      redirectUri,
      scopes,
      state,
      codeChallenge,
      codeChallengeMethod: codeChallenge ? codeChallengeMethod : null,
      forceLogin,
      fields: {
        client_id: app.client_id,
        redirect_uri: redirectUri,
        response_type: "code",
        scope: scopes.join(" "),
        state,
        code_challenge: codeChallenge ?? undefined,
        code_challenge_method: codeChallenge ? codeChallengeMethod! : undefined,
      },
    },
  };
}

/** Appends parameters to a redirect URI, keeping its own query; works for custom schemes (`myapp://cb`). */
export function redirectWith(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.href;
}
