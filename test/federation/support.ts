import { loadConfig } from "../../src/config.ts";
import type { WeftApp } from "../../src/app.ts";
import { createLocalAccount, type Account } from "../../src/domain/accounts.ts";
import { startServer } from "../../src/server.ts";
import { createTestDb, type TestDb } from "../helpers/db.ts";
import { releaseLoopbackHost, reserveLoopbackHost, TEST_PORT } from "../helpers/loopback.ts";
import { issueCertificate } from "../helpers/tls.ts";

/*
 * A Weft server in this test process: HTTPS on its own loopback address with a certificate from
 * the test CA, its own database, Fedify's queue and the weft worker running, exactly as
 * `weft serve` starts them. In-process so a test can reach the app (domain calls, resolveAccount)
 * directly while peers talk to it over the network. Fedify's queue stays in the database even in
 * the Redis run (the child-process instances of test/helpers/instance.ts cover Redis).
 */
export interface LocalWeft {
  app: WeftApp;
  db: TestDb;
  host: string;
  /** https://127.0.0.X:8443 */
  origin: string;
  /** host:port, as in handles */
  domain: string;
  url(path: string): string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export async function startWeft(env: Record<string, string> = {}): Promise<LocalWeft> {
  const host = await reserveLoopbackHost(TEST_PORT);
  const cert = issueCertificate(host);
  const db = await createTestDb();
  const origin = `https://${host}:${TEST_PORT}`;
  const config = loadConfig({
    ...db.env,
    WEFT_URL: origin,
    HOST: host,
    PORT: String(TEST_PORT),
    WEFT_TLS_CERT: cert.certFile,
    WEFT_TLS_KEY: cert.keyFile,
    WEFT_ALLOW_PRIVATE_ADDRESS: "true",
    LOG_LEVEL: process.env.WEFT_TEST_LOG_LEVEL ?? "error",
    ...env,
  });
  const server = await startServer(config);
  const url = (path: string) => new URL(path, origin).href;
  return {
    app: server.app,
    db,
    host,
    origin,
    domain: `${host}:${TEST_PORT}`,
    url,
    fetch: (path, init) => fetch(url(path), init),
    async stop() {
      await server.stop();
      await db.drop();
      await releaseLoopbackHost(host);
    },
  };
}

export async function localAccount(
  app: Pick<WeftApp, "ctx">,
  username: string,
  changes: Partial<Pick<Account, "locked" | "bot" | "federating" | "note" | "display_name" | "fields">> = {},
): Promise<Account> {
  const account = await createLocalAccount(app.ctx, { username, displayName: username[0].toUpperCase() + username.slice(1) });
  if (Object.keys(changes).length === 0) return account;
  await app.ctx.db.updateTable("accounts").set(changes).where("id", "=", account.id).execute();
  return { ...account, ...changes };
}

/** Polls until `probe` returns something truthy (the queues run in the background). */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits a little and checks that `probe` stayed falsy, for "nothing happened" assertions. */
export async function stillNothing(probe: () => Promise<unknown>, ms = 1_500): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !(await probe());
}

export async function accountByUri(app: Pick<WeftApp, "ctx">, uri: string): Promise<Account | undefined> {
  return app.ctx.db.selectFrom("accounts").selectAll().where("uri", "=", uri).executeTakeFirst();
}

export const AS_JSON = "application/activity+json";
