import { loadConfig } from "../../src/config.ts";
import type { WeftApp } from "../../src/app.ts";
import { createLocalAccount, type Account } from "../../src/domain/accounts.ts";
import { newId } from "../../src/domain/ids.ts";
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
export { eventually, stillNothing } from "../helpers/wait.ts";

export async function accountByUri(app: Pick<WeftApp, "ctx">, uri: string): Promise<Account | undefined> {
  return app.ctx.db.selectFrom("accounts").selectAll().where("uri", "=", uri).executeTakeFirst();
}

export const AS_JSON = "application/activity+json";

/** A remote account row as if fetched long ago, without asking its server (and so without caching its key). */
export async function storedRemoteAccount(
  app: Pick<WeftApp, "ctx">,
  init: { uri: string; username: string; domain: string; inbox?: string },
): Promise<Account> {
  const now = new Date().toISOString();
  const row: Account = {
    id: newId(), username: init.username, domain: init.domain, uri: init.uri, url: null,
    inbox_url: init.inbox ?? `${init.uri}/inbox`, shared_inbox_url: null, outbox_url: null, followers_url: null,
    following_url: null, featured_url: null, actor_type: "Person", display_name: init.username, note: "",
    avatar_url: null, header_url: null, fields: "[]", emojis: "[]", locked: 0, bot: 0, discoverable: 0, indexable: 0,
    federating: 1, public_key_pem: null, public_key_id: null, followers_count: 0, following_count: 0,
    statuses_count: 0, last_status_at: null, created_at: now, updated_at: now, fetched_at: now, deleted_at: null,
  };
  await app.ctx.db.insertInto("accounts").values(row).execute();
  return row;
}
