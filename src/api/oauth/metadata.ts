import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { currentAccount, requireScope, requireUser } from "../auth.ts";
import { SUPPORTED_SCOPES } from "./scopes.ts";

/** RFC 8414 discovery document and the OIDC-style userinfo endpoint Mastodon 4.4 added. */
export function mountMetadata(routes: Hono, app: WeftApp): void {
  routes.get("/.well-known/oauth-authorization-server", (c) => {
    const at = (path: string) => new URL(path, app.config.url).href;
    return c.json({
      issuer: at("/"),
      service_documentation: "https://docs.joinmastodon.org/",
      authorization_endpoint: at("/oauth/authorize"),
      token_endpoint: at("/oauth/token"),
      app_registration_endpoint: at("/api/v1/apps"),
      revocation_endpoint: at("/oauth/revoke"),
      userinfo_endpoint: at("/oauth/userinfo"),
      scopes_supported: SUPPORTED_SCOPES,
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      code_challenge_methods_supported: ["S256"],
      grant_types_supported: ["authorization_code", "password", "client_credentials"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    });
  });

  const userinfo = [requireScope("profile", "read:accounts"), requireUser] as const;
  for (const method of ["get", "post"] as const) {
    routes[method]("/oauth/userinfo", ...userinfo, (c) => {
      const account = currentAccount(c);
      return c.json({
        iss: new URL("/", app.config.url).href,
        sub: account.uri,
        name: account.display_name || account.username,
        preferred_username: account.username,
        profile: account.url ?? account.uri,
        picture: account.avatar_url,
      });
    });
  }
}
