import { ApiError, post, setToken } from "./api.ts";

/*
 * Signing in as any third-party app would: register through POST /api/v1/apps, send the browser
 * to /oauth/authorize (code flow with PKCE), exchange the code at /oauth/token. The token lives
 * in localStorage; a `weft_app` cookie tells the server to serve this app instead of the public
 * pages on shared URLs (it is a hint, not a credential: it grants nothing).
 */

const CLIENT_KEY = "weft:client";
const SESSION_KEY = "weft:session";
const PENDING_KEY = "weft:pending-auth";
export const SCOPES = "read write follow push";
export const CALLBACK_PATH = "/auth/callback";

interface Client {
  client_id: string;
  client_secret: string;
  redirect_uri: string;
}

export interface Session {
  token: string;
  createdAt: string;
}

function readJson<T>(storage: Storage, key: string): T | null {
  try {
    const raw = storage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function setHint(on: boolean): void {
  const secure = location.protocol === "https:" ? "; secure" : "";
  document.cookie = on
    ? `weft_app=1; path=/; max-age=31536000; samesite=lax${secure}`
    : `weft_app=; path=/; max-age=0; samesite=lax${secure}`;
}

export function loadSession(): Session | null {
  const session = readJson<Session>(localStorage, SESSION_KEY);
  setToken(session?.token ?? null);
  setHint(!!session);
  return session;
}

function saveSession(token: string): Session {
  const session = { token, createdAt: new Date().toISOString() };
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  setToken(token);
  setHint(true);
  return session;
}

function form(values: Record<string, string>): URLSearchParams {
  return new URLSearchParams(values);
}

async function tokenRequest(values: Record<string, string>): Promise<{ access_token: string }> {
  const res = await fetch("/oauth/token", { method: "POST", body: form(values), headers: { accept: "application/json" } });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, json.error_description ?? json.error ?? `HTTP ${res.status}`);
  return json;
}

async function registerClient(): Promise<Client> {
  const redirect_uri = new URL(CALLBACK_PATH, location.origin).href;
  const app = await post<{ client_id: string; client_secret: string }>(
    "/api/v1/apps",
    { client_name: "Weft web", redirect_uris: redirect_uri, scopes: SCOPES, website: location.origin },
    { auth: false },
  );
  const client = { client_id: app.client_id, client_secret: app.client_secret, redirect_uri };
  localStorage.setItem(CLIENT_KEY, JSON.stringify(client));
  return client;
}

/** This browser's registration, made once; made again if the server no longer knows it. */
async function client(): Promise<Client> {
  const known = readJson<Client>(localStorage, CLIENT_KEY);
  if (known && known.redirect_uri === new URL(CALLBACK_PATH, location.origin).href) {
    try {
      await appToken(known);
      return known;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
    }
  }
  return registerClient();
}

function appToken(c: Client): Promise<{ access_token: string }> {
  return tokenRequest({ grant_type: "client_credentials", client_id: c.client_id, client_secret: c.client_secret, scope: SCOPES });
}

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Sends the browser to Weft's sign-in page; it comes back to /auth/callback. */
export async function startSignIn(options: { forceLogin?: boolean; returnTo?: string } = {}): Promise<void> {
  const c = await client();
  const state = randomString(16);
  const verifier = randomString(48);
  const params = new URLSearchParams({ response_type: "code", client_id: c.client_id, redirect_uri: c.redirect_uri, scope: SCOPES, state });
  // PKCE needs SubtleCrypto, which browsers only offer on HTTPS and localhost; the client secret covers the rest.
  if (crypto.subtle) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
    params.set("code_challenge", base64url(new Uint8Array(digest)));
    params.set("code_challenge_method", "S256");
  }
  if (options.forceLogin) params.set("force_login", "true");
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ state, verifier: crypto.subtle ? verifier : null, returnTo: options.returnTo ?? "/" }));
  location.assign(`/oauth/authorize?${params}`);
}

/** Finishes the code flow; returns where to go next. */
export async function finishSignIn(query: URLSearchParams): Promise<string> {
  const pending = readJson<{ state: string; verifier: string | null; returnTo: string }>(sessionStorage, PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const error = query.get("error");
  if (error) throw new Error(error === "access_denied" ? "Sign-in was cancelled." : (query.get("error_description") ?? error));
  const code = query.get("code");
  if (!pending || !code || query.get("state") !== pending.state) {
    throw new Error("This sign-in link has expired or was not started here. Please sign in again.");
  }
  const c = readJson<Client>(localStorage, CLIENT_KEY);
  if (!c) throw new Error("This browser's app registration is missing. Please sign in again.");
  const values: Record<string, string> = {
    grant_type: "authorization_code",
    code,
    client_id: c.client_id,
    client_secret: c.client_secret,
    redirect_uri: c.redirect_uri,
  };
  if (pending.verifier) values.code_verifier = pending.verifier;
  const { access_token } = await tokenRequest(values);
  saveSession(access_token);
  return pending.returnTo.startsWith("/") && !pending.returnTo.startsWith("//") ? pending.returnTo : "/";
}

export interface SignUpInput {
  username: string;
  email: string;
  password: string;
  agreement: boolean;
  reason?: string;
  locale?: string;
}

/** POST /api/v1/accounts with an app token; on success this browser is signed in as the new account. */
export async function signUp(input: SignUpInput): Promise<void> {
  const c = await client();
  const { access_token: app } = await appToken(c);
  setToken(app);
  try {
    const res = await post<{ access_token: string }>("/api/v1/accounts", { ...input, locale: input.locale ?? navigator.language.slice(0, 2) });
    saveSession(res.access_token);
  } catch (err) {
    setToken(null);
    throw err;
  }
}

/** Revokes the token at the server and forgets it here. */
export async function signOut(token: string | null): Promise<void> {
  const c = readJson<Client>(localStorage, CLIENT_KEY);
  localStorage.removeItem(SESSION_KEY);
  setToken(null);
  setHint(false);
  if (c && token) {
    await fetch("/oauth/revoke", { method: "POST", body: form({ client_id: c.client_id, client_secret: c.client_secret, token }) }).catch(() => {});
  }
}

/** Forget a token the server refused, without asking the server. */
export function dropSession(): void {
  localStorage.removeItem(SESSION_KEY);
  setToken(null);
  setHint(false);
}
