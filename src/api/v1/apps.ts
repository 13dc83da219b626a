import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { findAppById, redirectUrisOf } from "../../domain/oauth.ts";
import { createOauthApp, type OauthApp } from "../../domain/tokens.ts";
import { currentAuth, requireScope } from "../auth.ts";
import { readParams, stringList, stringParam, type Params } from "../body.ts";
import { ApiError, unprocessable } from "../errors.ts";
import { OOB } from "../oauth/authorize-request.ts";
import { parseScopes, unknownScopes } from "../oauth/scopes.ts";

export interface MastodonOauthApplication {
  id: string;
  name: string;
  website: string | null;
  scopes: string[];
  redirect_uri: string;
  redirect_uris: string[];
  /** Weft has no Web Push yet, so no VAPID key to hand out. */
  vapid_key: string;
}

export interface MastodonCredentialApplication extends MastodonOauthApplication {
  client_id: string;
  client_secret: string;
  client_secret_expires_at: number;
}

export function serializeOauthApplication(app: OauthApp): MastodonOauthApplication {
  const uris = redirectUrisOf(app);
  return {
    id: app.id,
    name: app.name,
    website: app.website,
    scopes: parseScopes(app.scopes),
    redirect_uri: uris.join("\n"),
    redirect_uris: uris,
    vapid_key: "",
  };
}

export function serializeCredentialApplication(app: OauthApp): MastodonCredentialApplication {
  return {
    ...serializeOauthApplication(app),
    client_id: app.client_id,
    client_secret: app.client_secret,
    // Mastodon's secrets never expire; 0 says so.
    client_secret_expires_at: 0,
  };
}

const FORBIDDEN_SCHEMES = new Set(["javascript:", "data:", "vbscript:", "file:"]);

function validRedirectUri(uri: string): string | null {
  if (uri === OOB) return null;
  if (uri.length > 2000) return "Redirect URI is too long (maximum is 2000 characters)";
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "Redirect URI must be an absolute URI.";
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return "Redirect URI is forbidden by the server.";
  if (uri.includes("#")) return "Redirect URI cannot contain a fragment.";
  return null;
}

/** Reads and checks the registration parameters, with Mastodon's validation wording. */
export function parseAppRegistration(params: Params): { name: string; website: string | null; redirectUris: string[]; scopes: string[] } {
  const problems: string[] = [];
  const name = (stringParam(params.client_name) ?? "").trim();
  if (!name) problems.push("Name can't be blank");
  else if (name.length > 60) problems.push("Name is too long (maximum is 60 characters)");

  const redirectUris = stringList(params.redirect_uris).flatMap((u) => u.split(/\s+/)).filter((u) => u.length > 0);
  if (redirectUris.length === 0) problems.push("Redirect URI can't be blank");
  for (const uri of redirectUris) {
    const problem = validRedirectUri(uri);
    if (problem && !problems.includes(problem)) problems.push(problem);
  }

  const rawScopes = params.scopes === undefined ? ["read"] : stringList(params.scopes);
  const scopes = parseScopes(rawScopes.join(" "));
  if (scopes.length === 0) scopes.push("read");
  if (unknownScopes(scopes).length > 0) problems.push("Scopes doesn't match configured on the server.");

  const websiteRaw = (stringParam(params.website) ?? "").trim();
  let website: string | null = null;
  if (websiteRaw) {
    if (websiteRaw.length > 2000 || !/^https?:\/\/[^\s]+$/i.test(websiteRaw) || !URL.canParse(websiteRaw)) {
      problems.push("Website is not a valid URL");
    } else website = websiteRaw;
  }
  if (problems.length > 0) throw unprocessable(problems.join(", "));
  return { name, website, redirectUris: [...new Set(redirectUris)], scopes };
}

/** POST /api/v1/apps and GET /api/v1/apps/verify_credentials. */
export function mountApps(routes: Hono, app: WeftApp): void {
  routes.post("/api/v1/apps", async (c) => {
    const input = parseAppRegistration(await readParams(c));
    const created = await createOauthApp(app.ctx, {
      name: input.name,
      website: input.website,
      redirectUris: input.redirectUris.join("\n"),
      scopes: input.scopes.join(" "),
    });
    return c.json(serializeCredentialApplication(created));
  });

  // Since Mastodon 4.3 any valid token of the app will do, whatever its scopes.
  routes.get("/api/v1/apps/verify_credentials", requireScope(), async (c) => {
    const appId = currentAuth(c)?.token.app_id;
    const found = appId ? await findAppById(app.ctx, appId) : undefined;
    if (!found) throw new ApiError(404, "Record not found");
    return c.json(serializeOauthApplication(found));
  });
}
