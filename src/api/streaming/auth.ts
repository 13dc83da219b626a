import type { WeftApp } from "../../app.ts";
import { resolveToken, type AuthState } from "../auth.ts";
import type { Viewer } from "./channels.ts";

export type StreamAuth = { ok: true; viewer: Viewer } | { ok: false; status: 401 | 403; error: string };

/**
 * The token a streaming client sent: `Authorization: Bearer`, else `?access_token=`, else the
 * WebSocket subprotocol (browsers cannot set headers on a WebSocket, so masto.js and Mastodon's
 * own web app put the token there).
 */
export function streamingToken(headers: { authorization?: string | null; protocol?: string | null }, url: URL): string | null {
  if (headers.authorization) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization);
    return m ? m[1] : null;
  }
  const query = url.searchParams.get("access_token");
  if (query) return query;
  const protocol = headers.protocol?.split(",")[0]?.trim();
  return protocol ? protocol : null;
}

/**
 * Every stream needs a token acting for an account, public ones included: Mastodon's streaming
 * server has refused anonymous connections since 4.2, and so does Weft (docs/adr/0006-streaming.md).
 */
export async function authenticateStream(app: WeftApp, token: string | null): Promise<StreamAuth> {
  if (!token) return streamAuth({ kind: "none" });
  const auth = await resolveToken(app.ctx, token);
  return streamAuth(auth ? { kind: "valid", auth } : { kind: "invalid" });
}

/** The same decision from a token the API middleware already resolved (EventSource requests). */
export function streamAuth(state: AuthState): StreamAuth {
  if (state.kind === "none") return { ok: false, status: 401, error: "Missing access token" };
  const account = state.kind === "valid" ? state.auth.account : null;
  if (state.kind !== "valid" || !account) return { ok: false, status: 401, error: "Invalid access token" };
  const { auth } = state;
  if (!auth.approved) return { ok: false, status: 403, error: "Your login is currently pending approval" };
  return { ok: true, viewer: { accountId: account.id, tokenId: auth.token.id, scopes: auth.scopes } };
}
