import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { createRestAPIClient, type mastodon } from "masto";
import { createWeftApp, type WeftApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createLocalAccount, type Account } from "../../src/domain/accounts.ts";
import type { Ctx } from "../../src/domain/context.ts";
import { createAccessToken, createOauthApp } from "../../src/domain/tokens.ts";
import { createHttpApp } from "../../src/http.ts";
import { createTestDb, type TestDb } from "../helpers/db.ts";

/*
 * A Weft on a real loopback port over a fresh test database and its own data folder (uploads
 * land there, never in the working tree), with helpers to make users holding tokens and to
 * call the API as them: through masto.js where it covers the endpoint, plain fetch otherwise.
 */

export interface ApiServer {
  url: string;
  app: WeftApp;
  ctx: Ctx;
  db: TestDb;
  dataDir: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

/** `env` adds settings, e.g. WEFT_ALLOW_PRIVATE_ADDRESS for tests that reach test peers on loopback. */
export async function startApiServer(env: Record<string, string> = {}): Promise<ApiServer> {
  const db = await createTestDb();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-api-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({ ...db.env, WEFT_DATA_DIR: dataDir, WEFT_URL: url, LOG_LEVEL: "silent", HOST: "127.0.0.1", PORT: String(port), ...env });
  const app = await createWeftApp(config, { migrate: false });
  const server: ServerType = serve({ fetch: createHttpApp(app).fetch, port, hostname: "127.0.0.1" });
  await once(server, "listening");
  return {
    url,
    app,
    ctx: app.ctx,
    db,
    dataDir,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await app.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

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
