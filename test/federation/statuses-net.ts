import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { loadConfig } from "../../src/config.ts";
import { createLocalAccount, type Account } from "../../src/domain/accounts.ts";
import type { Ctx } from "../../src/domain/context.ts";
import { getStatusByUri, type Status } from "../../src/domain/statuses.ts";
import { createAccessToken, createOauthApp } from "../../src/domain/tokens.ts";
import { startServer, type RunningServer } from "../../src/server.ts";
import { createTestDb, type TestDb } from "../helpers/db.ts";
import { releaseLoopbackHost, reserveLoopbackHost, TEST_PORT } from "../helpers/loopback.ts";
import { issueCertificate, testCa } from "../helpers/tls.ts";
import { waitFor } from "../jobs/wait.ts";

/*
 * A Weft for the statuses federation tests, started from src in this process (HTTP app, queues,
 * workers) on its own loopback address over HTTPS, with a local account "alice" and an API token.
 */

export const TIMEOUT = 20_000;

export interface StatusesNet {
  server: RunningServer;
  ctx: Ctx;
  alice: Account;
  /** alice's handle, @alice@host:port */
  handle: string;
  api(pathname: string, init?: { method?: string; body?: unknown }): Promise<any>;
  stored(uri: string): Promise<Status>;
  /** until Weft's inbox queue has nothing left to do, for "this was refused" checks */
  inboxDrained(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStatusesNet(): Promise<StatusesNet> {
  testCa();
  const host = await reserveLoopbackHost();
  const cert = issueCertificate(host);
  const db: TestDb = await createTestDb();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-statuses-"));
  const config = loadConfig({
    WEFT_URL: `https://${host}:${TEST_PORT}`,
    HOST: host,
    PORT: String(TEST_PORT),
    WEFT_TLS_CERT: cert.certFile,
    WEFT_TLS_KEY: cert.keyFile,
    WEFT_ALLOW_PRIVATE_ADDRESS: "true",
    LOG_LEVEL: process.env.WEFT_TEST_LOG_LEVEL ?? "silent",
    ...db.env,
    WEFT_DATA_DIR: dataDir,
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  });
  const server = await startServer(config);
  const app = server.app;
  assert.ok(app.jobs.handlerFor("deliver"), "the app delivers from its own worker");
  const ctx = app.ctx;
  const alice = await createLocalAccount(ctx, { username: "alice" });
  const oauth = await createOauthApp(ctx, { name: "test", redirectUris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write" });
  const { token } = await createAccessToken(ctx, { accountId: alice.id, appId: oauth.id, scopes: "read write" });

  return {
    server,
    ctx,
    alice,
    handle: `@alice@${host}:${TEST_PORT}`,
    async api(pathname, init = {}) {
      const res = await fetch(new URL(pathname, config.url), {
        method: init.method ?? "GET",
        headers: { authorization: `Bearer ${token}`, ...(init.body ? { "content-type": "application/json" } : {}) },
        body: init.body ? JSON.stringify(init.body) : undefined,
      });
      const text = await res.text();
      assert.equal(res.status, 200, `${init.method ?? "GET"} ${pathname}: ${res.status} ${text}`);
      return JSON.parse(text);
    },
    async stored(uri) {
      let found: Status | undefined;
      await waitFor(`status ${uri}`, async () => !!(found = await getStatusByUri(ctx, uri)), TIMEOUT);
      return found!;
    },
    async inboxDrained() {
      const q = app.queues.fedifyQueue;
      let quiet = 0;
      await waitFor(
        "the inbox queue to drain",
        async () => {
          const depth = q.getDepth ? await q.getDepth() : { queued: 0 };
          quiet = depth.queued === 0 ? quiet + 1 : 0;
          return quiet >= 5;
        },
        TIMEOUT,
      );
      await sleep(300);
    },
    async stop() {
      await server.stop();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      await releaseLoopbackHost(host);
    },
  };
}
