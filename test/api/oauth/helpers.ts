import { createHash, randomBytes } from "node:crypto";
import { startApiServer, type ApiServer } from "../../helpers/server.ts";
import { createLocalAccount, type Account } from "../../../src/domain/accounts.ts";

export type TestServer = ApiServer;

/** A Weft instance on a real loopback port, over a fresh test database. */
export const startTestServer = (): Promise<TestServer> => startApiServer();

export async function createUser(
  server: TestServer,
  input: { username: string; password: string; email?: string; approved?: boolean },
): Promise<Account> {
  return createLocalAccount(server.app.ctx, { ...input, federating: false });
}

export interface RegisteredApp {
  id: string;
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  scopes: string[];
}

export async function registerApp(
  server: TestServer,
  body: Record<string, unknown> = {},
): Promise<RegisteredApp> {
  const res = await fetch(`${server.url}/api/v1/apps`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: "Test client", redirect_uris: ["myapp://callback"], scopes: "read write follow", ...body }),
  });
  if (res.status !== 200) throw new Error(`app registration failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as RegisteredApp;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** Just enough of a browser: keeps cookies per name, never follows redirects on its own. */
export class Browser {
  readonly cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async submit(url: string, fields: Record<string, string>): Promise<Response> {
    return this.request(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

function unescapeHtml(s: string): string {
  return s
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** The hidden fields of the page's first form, as a browser would submit them. */
export function hiddenFields(page: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out[unescapeHtml(m[1])] = unescapeHtml(m[2]);
  }
  return out;
}

export async function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/**
 * Runs the browser part of the code flow: opens the authorize page, signs in, and returns
 * the redirect the server answered with.
 */
export async function signInAndAuthorize(
  server: TestServer,
  browser: Browser,
  query: Record<string, string>,
  credentials: { username: string; password: string } | null,
): Promise<Response> {
  const page = await browser.request(`${server.url}/oauth/authorize?${new URLSearchParams(query)}`);
  if (page.status !== 200) throw new Error(`authorize page answered ${page.status}: ${await page.text()}`);
  const fields = hiddenFields(await page.text());
  return browser.submit(`${server.url}/oauth/authorize`, { ...fields, ...(credentials ?? {}), decision: "approve" });
}
