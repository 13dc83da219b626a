import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type DbHandle } from "../../src/db/index.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";

/**
 * A fresh, migrated database for one test file. With DATABASE_URL set (CI's PostgreSQL run)
 * it creates a throwaway database on that server; otherwise a throwaway SQLite file.
 */
export interface TestDb extends DbHandle {
  /** settings to hand a Weft process so it opens this same database */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export function testDialect(): "postgres" | "sqlite" {
  return process.env.DATABASE_URL?.startsWith("postgres") ? "postgres" : "sqlite";
}

export async function createTestDb(options: { migrate?: boolean } = {}): Promise<TestDb> {
  const migrate = options.migrate ?? true;
  const base = process.env.DATABASE_URL;
  if (base?.startsWith("postgres")) {
    const name = `weft_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    const handle = openDatabase({ databaseUrl: url.toString(), sqlitePath: "" });
    if (migrate) await migrateToLatest(handle.db);
    return {
      ...handle,
      env: { DATABASE_URL: url.toString() },
      async drop() {
        await handle.close().catch(() => {});
        const c = new pg.Client({ connectionString: base });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-test-"));
  const file = path.join(dir, "weft.sqlite");
  const handle = openDatabase({ databaseUrl: null, sqlitePath: file });
  if (migrate) await migrateToLatest(handle.db);
  return {
    ...handle,
    env: { DATABASE_URL: `sqlite:${file}`, WEFT_DATA_DIR: dir },
    async drop() {
      await handle.close().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
