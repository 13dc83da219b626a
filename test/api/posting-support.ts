import { createRestAPIClient, type mastodon } from "masto";
import { createLocalAccount, type Account } from "../../src/domain/accounts.ts";
import { createAccessToken, createOauthApp } from "../../src/domain/tokens.ts";

/*
 * A Weft on a real loopback port over a fresh test database and its own data folder (uploads
 * land there, never in the working tree), with helpers to make users holding tokens and to
 * call the API as them: through masto.js where it covers the endpoint, plain fetch otherwise.
 */

import type { ApiServer } from "../helpers/server.ts";

export { startApiServer, type ApiServer } from "../helpers/server.ts";

export interface TestUser {
  account: Account;
  token: string;
  masto: mastodon.rest.Client;
  /** fetch as this user: `path` is relative to the server, JSON bodies are encoded for you */
  call(method: string, pathname: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
}

export async function tokenFor(server: ApiServer, accountId: string | null, scopes: string): Promise<string> {
  const app = await createOauthApp(server.ctx, { name: "Test app", redirectUris: "urn:ietf:wg:oauth:2.0:oob", scopes });
  return (await createAccessToken(server.ctx, { accountId, appId: app.id, scopes })).token;
}

export function caller(server: ApiServer, token: string | null) {
  return (method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}) => {
    const h = new Headers(headers);
    if (token) h.set("authorization", `Bearer ${token}`);
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      h.set("content-type", "application/json");
      payload = JSON.stringify(body);
    }
    return fetch(new URL(pathname, server.url), { method, headers: h, body: payload });
  };
}

export async function makeUser(
  server: ApiServer,
  username: string,
  options: { scopes?: string; locked?: boolean } = {},
): Promise<TestUser> {
  const account = await createLocalAccount(server.ctx, { username, federating: false });
  if (options.locked) await server.ctx.db.updateTable("accounts").set({ locked: 1 }).where("id", "=", account.id).execute();
  const token = await tokenFor(server, account.id, options.scopes ?? "read write follow");
  return {
    account,
    token,
    masto: createRestAPIClient({ url: server.url, accessToken: token }),
    call: caller(server, token),
  };
}

/** Reads the rel="next" / rel="prev" URLs of a Link header. */
export function links(res: Response): { next?: string; prev?: string } {
  const out: { next?: string; prev?: string } = {};
  for (const m of (res.headers.get("link") ?? "").matchAll(/<([^>]+)>;\s*rel="(next|prev)"/g)) out[m[2] as "next" | "prev"] = m[1];
  return out;
}
