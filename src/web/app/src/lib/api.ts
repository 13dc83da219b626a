/*
 * The one way the app talks to Weft: the Mastodon client API on this origin, with the token the
 * app got through OAuth. Nothing here is specific to Weft except where a comment says so.
 */

export class ApiError extends Error {
  readonly status: number;
  readonly details: Record<string, Array<{ error: string; description: string }>> | undefined;
  constructor(status: number, message: string, details?: ApiError["details"]) {
    super(message);
    this.status = status;
    this.details = details;
  }
}

export interface Page<T> {
  items: T[];
  /** the URL of the next (older) page, from the Link header */
  next: string | null;
  /** the URL of newer items, from the Link header */
  prev: string | null;
}

type Query = Record<string, string | number | boolean | undefined | null | string[]>;

let token: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setToken(value: string | null): void {
  token = value;
}

export function getToken(): string | null {
  return token;
}

/** Called once when the server says the token is no longer valid (revoked elsewhere). */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export function url(path: string, query?: Query): string {
  const u = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (Array.isArray(v)) for (const item of v) u.searchParams.append(`${k}[]`, item);
    else u.searchParams.set(k, String(v));
  }
  return u.pathname + u.search;
}

function linkOf(header: string | null, rel: string): string | null {
  if (!header) return null;
  for (const part of header.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (m && m[2] === rel) {
      const u = new URL(m[1], location.origin);
      // Only ever follow links back to this origin.
      return u.origin === location.origin ? u.pathname + u.search : null;
    }
  }
  return null;
}

interface SendInit {
  auth?: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

async function send(method: string, path: string, body?: unknown, init: SendInit = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", ...init.headers };
  const useToken = init.auth !== false && token;
  if (useToken) headers.authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload, signal: init.signal, credentials: "same-origin" });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    let details: ApiError["details"];
    try {
      const json = await res.json();
      if (typeof json?.error === "string") message = json.error_description ?? json.error;
      details = json?.details;
    } catch {
      // not JSON: keep the status line
    }
    if (res.status === 401 && useToken && onUnauthorized) onUnauthorized();
    throw new ApiError(res.status, message, details);
  }
  return res;
}

export async function get<T>(path: string, query?: Query, init?: { signal?: AbortSignal; auth?: boolean }): Promise<T> {
  return (await send("GET", url(path, query), undefined, init)).json() as Promise<T>;
}

export async function page<T>(pathOrUrl: string, query?: Query, init?: { signal?: AbortSignal }): Promise<Page<T>> {
  const res = await send("GET", query ? url(pathOrUrl, query) : pathOrUrl, undefined, init);
  const link = res.headers.get("link");
  return { items: (await res.json()) as T[], next: linkOf(link, "next"), prev: linkOf(link, "prev") };
}

export async function post<T>(path: string, body?: unknown, init?: SendInit): Promise<T> {
  const res = await send("POST", path, body ?? {}, init);
  return (res.status === 204 ? {} : await res.json()) as T;
}

export async function put<T>(path: string, body?: unknown): Promise<T> {
  return (await send("PUT", path, body ?? {})).json() as Promise<T>;
}

export async function patch<T>(path: string, body?: unknown): Promise<T> {
  return (await send("PATCH", path, body ?? {})).json() as Promise<T>;
}

export async function del<T>(path: string): Promise<T> {
  const res = await send("DELETE", path);
  return (res.status === 204 ? {} : await res.json()) as T;
}
