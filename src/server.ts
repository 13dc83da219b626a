import fs from "node:fs";
import type { Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { Config } from "./config.ts";
import { createWeftApp, type WeftApp } from "./app.ts";
import { createHttpApp } from "./http.ts";
import { scheduleDailyMaintenance } from "./domain/maintenance.ts";
import { attachStreaming, closeStreaming } from "./api/streaming/index.ts";
import { runWeftWorker } from "./jobs/worker.ts";

export interface RunningServer {
  app: WeftApp;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts HTTP(S) and, unless this process is web-only, the queue workers.
 * stop() closes the listener, lets in-flight requests and jobs finish, then closes the database.
 */
export async function startServer(config: Config): Promise<RunningServer> {
  const app = await createWeftApp(config);
  const workerAbort = new AbortController();
  const workers: Promise<unknown>[] = [];
  let server: ServerType | null = null;
  let url = "";

  if (config.role !== "web") {
    if (app.handle.dialect === "sqlite") {
      // The embedded database belongs to this one process, so any job still leased was held by
      // a process that died (kill -9, power loss): take it back now rather than when the lease runs out.
      const released = await app.handle.db.updateTable("jobs").set({ locked_until: null }).where("locked_until", "is not", null).executeTakeFirst();
      if (released.numUpdatedRows > 0n) app.log.info({ jobs: Number(released.numUpdatedRows) }, "resuming jobs interrupted by the last shutdown");
    }
    await scheduleDailyMaintenance(app.ctx);
    workers.push(app.federation.startQueue(app.ctx, { signal: workerAbort.signal }));
    workers.push(runWeftWorker(app.handle, app.jobs, { signal: workerAbort.signal, log: app.log }));
  }

  if (config.role !== "worker") {
    const hono = createHttpApp(app);
    const tls = config.tlsCert && config.tlsKey
      ? { cert: fs.readFileSync(config.tlsCert), key: fs.readFileSync(config.tlsKey) }
      : null;
    await new Promise<void>((resolve) => {
      server = serve(
        {
          fetch: hono.fetch,
          port: config.port,
          hostname: config.host,
          ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
        },
        (info: AddressInfo) => {
          url = `${tls ? "https" : "http"}://${info.address.includes(":") ? `[${info.address}]` : info.address}:${info.port}`;
          resolve();
        },
      );
    });
    // WebSocket upgrades for the streaming API, on the same port as everything else
    // (serve() made an HTTP/1.1 server, plain or TLS; never HTTP/2).
    attachStreaming(server as unknown as HttpServer, app);
    app.log.info({ listen: url, public: config.url.href, database: app.handle.dialect }, "Weft is listening");
  }

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      const srv = server as ServerType | null;
      // Open streams would hold the listener open: end them first.
      await closeStreaming(app);
      if (srv) {
        await new Promise<void>((resolve) => {
          srv.close(() => resolve());
          // Idle keep-alive sockets would hold close() open forever.
          (srv as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        });
      }
      workerAbort.abort();
      await Promise.allSettled(workers);
      await app.close();
    })();
    return stopping;
  };
  return { app, url, stop };
}
