import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { createWeftApp, type WeftApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import type { Ctx } from "../../src/domain/context.ts";
import { createHttpApp } from "../../src/http.ts";
import { runWeftWorker } from "../../src/jobs/worker.ts";
import { createTestDb, type TestDb } from "./db.ts";

/*
 * A Weft on a real loopback port (plain HTTP) over a fresh test database and its own data
 * folder, in this process: what the API, OAuth and public-page tests talk to. Federation tests
 * that need HTTPS and separate processes use instance.ts instead.
 */

export interface ApiServer {
  url: string;
  port: number;
  app: WeftApp;
  ctx: Ctx;
  db: TestDb;
  dataDir: string;
  /** the Node server, for tests that attach more to it (streaming) */
  server: ServerType;
  close(): Promise<void>;
}

export interface ApiServerOptions {
  /** share a database with another instance (it is then not dropped on close) */
  db?: TestDb;
  /** the public URL, when another process of the same instance listens elsewhere */
  publicUrl?: string;
  /** runs once the app is built, before it serves (e.g. to configure the streaming hub) */
  prepare?: (app: WeftApp) => void;
  /** run Weft's queue worker (timeline fan-out, deliveries), as `weft serve` does */
  worker?: boolean;
  /** runs first on close, for what a test attached to the server (streaming, a worker) */
  beforeClose?: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

/** `env` adds settings, e.g. WEFT_ALLOW_PRIVATE_ADDRESS for tests that reach test peers on loopback. */
export async function startApiServer(env: Record<string, string> = {}, options: ApiServerOptions = {}): Promise<ApiServer> {
  const db = options.db ?? (await createTestDb());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-api-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    ...db.env,
    WEFT_DATA_DIR: dataDir,
    WEFT_URL: options.publicUrl ?? url,
    LOG_LEVEL: "silent",
    HOST: "127.0.0.1",
    PORT: String(port),
    ...env,
  });
  const app = await createWeftApp(config, { migrate: false });
  options.prepare?.(app);
  const server: ServerType = serve({ fetch: createHttpApp(app).fetch, port, hostname: "127.0.0.1" });
  await once(server, "listening");
  const stopWorker = new AbortController();
  const worker = options.worker
    ? runWeftWorker(app.handle, app.jobs, { signal: stopWorker.signal, log: app.log, pollIntervalMs: 200 })
    : Promise.resolve();
  return {
    url,
    port,
    app,
    ctx: app.ctx,
    db,
    dataDir,
    server,
    async close() {
      await options.beforeClose?.();
      stopWorker.abort();
      await worker.catch(() => {});
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await app.close();
      if (!options.db) await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
