import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { createWeftApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createHttpApp } from "../../src/http.ts";
import { createTestDb } from "../helpers/db.ts";
import type { ApiServer } from "./posting-support.ts";

/**
 * Like posting-support's startApiServer, with extra environment for the instance (rate limits,
 * Redis). The result works with posting-support's makeUser/tokenFor/caller.
 */
export async function startServerWith(env: Record<string, string> = {}): Promise<ApiServer> {
  const db = await createTestDb();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-api-"));
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    ...db.env,
    WEFT_DATA_DIR: dataDir,
    WEFT_URL: url,
    LOG_LEVEL: "silent",
    HOST: "127.0.0.1",
    PORT: String(port),
    ...env,
  });
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

/** Sets an instance setting (JSON value), as an admin would. */
export async function setSetting(server: ApiServer, key: string, value: unknown): Promise<void> {
  await server.ctx.db
    .insertInto("instance_settings")
    .values({ key, value: JSON.stringify(value) })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: JSON.stringify(value) }))
    .execute();
}
