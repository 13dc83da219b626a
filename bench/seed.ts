import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import pg from "pg";
import { loadConfig, type Config } from "../src/config.ts";
import { openDatabase, type DbHandle } from "../src/db/index.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import type { Ctx } from "../src/domain/context.ts";
import { createLocalEvents } from "../src/domain/events.ts";
import { createLogger } from "../src/logger.ts";
import { tempDir } from "./lib.ts";

/*
 * Benchmark databases: a fresh SQLite file or a throwaway PostgreSQL database, migrated, plus
 * bulk loading that goes around the domain layer (multi-row INSERTs in one transaction on
 * SQLite, one INSERT … SELECT FROM unnest(arrays) per batch on PostgreSQL), so seeding a
 * million statuses takes seconds, not the hours the API would need.
 */

export type Dialect = "sqlite" | "postgres";

export interface BenchDb {
  dialect: Dialect;
  /** what a Weft process needs in its environment to open this database */
  env: Record<string, string>;
  config: Config;
  handle: DbHandle;
  ctx: Ctx;
  /** rows as arrays in `columns` order; values are strings, numbers or null */
  insert(table: string, columns: string[], rows: unknown[][]): Promise<void>;
  /**
   * Runs a bulk load with the tables' secondary indexes dropped, then builds them again:
   * building an index once over a million rows is much faster than keeping it up row by row.
   * Indexes behind constraints (primary keys, UNIQUE) stay.
   */
  withoutIndexes(tables: string[], load: () => Promise<void>): Promise<void>;
  /** raw SQL (ANALYZE, EXPLAIN…), results as objects */
  query(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

export function postgresBaseUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
}

export async function postgresAvailable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: postgresBaseUrl(), connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

export async function createBenchDb(dialect: Dialect, weftUrl: string): Promise<BenchDb> {
  const dir = tempDir("weft-bench-db-");
  let env: Record<string, string>;
  let dropDb = async () => {};
  let raw: { insert: BenchDb["insert"]; query: BenchDb["query"]; close(): Promise<void> };
  if (dialect === "postgres") {
    const name = `weft_bench_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    const admin = new pg.Client({ connectionString: postgresBaseUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(postgresBaseUrl());
    url.pathname = `/${name}`;
    env = { DATABASE_URL: url.toString(), WEFT_DATA_DIR: dir };
    dropDb = async () => {
      const c = new pg.Client({ connectionString: postgresBaseUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
    raw = await pgRaw(url.toString());
  } else {
    const file = path.join(dir, "weft.sqlite");
    env = { DATABASE_URL: `sqlite:${file}`, WEFT_DATA_DIR: dir };
    raw = sqliteRaw(file);
  }
  const config = loadConfig({ ...env, WEFT_URL: weftUrl, LOG_LEVEL: "warn" });
  const handle = openDatabase(config);
  await migrateToLatest(handle.db);
  const ctx: Ctx = { db: handle.db, dialect: handle.dialect, config, log: createLogger("warn"), events: createLocalEvents() };
  return {
    dialect,
    env,
    config,
    handle,
    ctx,
    insert: raw.insert,
    query: raw.query,
    async withoutIndexes(tables, load) {
      const list = tables.map((t) => `'${t}'`).join(",");
      const indexes = (await raw.query(
        dialect === "postgres"
          ? `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename IN (${list}) AND indexname NOT IN (SELECT conname FROM pg_constraint)`
          : `SELECT name, sql AS def FROM sqlite_master WHERE type = 'index' AND tbl_name IN (${list}) AND sql IS NOT NULL`,
      )) as Array<{ name: string; def: string }>;
      for (const i of indexes) await raw.query(`DROP INDEX ${i.name}`);
      try {
        await load();
      } finally {
        for (const i of indexes) await raw.query(i.def);
      }
    },
    async drop() {
      await raw.close().catch(() => {});
      await handle.close().catch(() => {});
      await dropDb();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function sqliteRaw(file: string) {
  let db: DatabaseSync | null = null;
  const open = () => {
    if (!db) {
      db = new DatabaseSync(file);
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA busy_timeout = 5000");
      // Seeding only: a large page cache keeps the indexes being built in memory.
      db.exec("PRAGMA cache_size = -524288");
      db.exec("PRAGMA synchronous = OFF");
    }
    return db;
  };
  return {
    async insert(table: string, columns: string[], rows: unknown[][]) {
      const d = open();
      const t0 = performance.now();
      // SQLite allows 32766 parameters per statement.
      const per = Math.max(1, Math.floor(32000 / columns.length));
      const one = `(${columns.map(() => "?").join(",")})`;
      const full = d.prepare(`INSERT INTO ${table} (${columns.join(",")}) VALUES ${Array(per).fill(one).join(",")}`);
      d.exec("BEGIN");
      try {
        for (let i = 0; i < rows.length; i += per) {
          const chunk = rows.slice(i, i + per);
          const stmt = chunk.length === per ? full : d.prepare(`INSERT INTO ${table} (${columns.join(",")}) VALUES ${Array(chunk.length).fill(one).join(",")}`);
          stmt.run(...(chunk.flat() as never[]));
        }
        d.exec("COMMIT");
        if (process.env.BENCH_SEED_TRACE) console.error(table, rows.length, (performance.now() - t0).toFixed(0), "ms");
      } catch (err) {
        d.exec("ROLLBACK");
        throw err;
      }
    },
    async query(text: string, params: unknown[] = []) {
      return open().prepare(text).all(...(params as never[])) as Record<string, unknown>[];
    },
    async close() {
      db?.close();
      db = null;
    },
  };
}

async function pgRaw(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const types = new Map<string, Map<string, string>>();
  const columnTypes = async (table: string) => {
    let t = types.get(table);
    if (!t) {
      const r = await client.query("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1", [table]);
      t = new Map(r.rows.map((row: { column_name: string; data_type: string }) => [row.column_name, row.data_type]));
      types.set(table, t);
    }
    return t;
  };
  return {
    async insert(table: string, columns: string[], rows: unknown[][]) {
      const t = await columnTypes(table);
      const casts = columns.map((c, i) => `$${i + 1}::${t.get(c) ?? "text"}[]`);
      const text = `INSERT INTO ${table} (${columns.join(",")}) SELECT * FROM unnest(${casts.join(",")})`;
      await client.query("BEGIN");
      try {
        for (let i = 0; i < rows.length; i += 50_000) {
          const chunk = rows.slice(i, i + 50_000);
          await client.query(text, columns.map((_, c) => chunk.map((r) => r[c])));
        }
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw err;
      }
    },
    async query(text: string, params: unknown[] = []) {
      return (await client.query(text, params)).rows as Record<string, unknown>[];
    },
    async close() {
      await client.end();
    },
  };
}
