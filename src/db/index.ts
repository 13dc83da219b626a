import fs from "node:fs";
import path from "node:path";
import { Kysely, PostgresDialect, SqliteDialect, type Transaction } from "kysely";
import { createRequire } from "node:module";
import type pg from "pg";
import type { Config } from "../config.ts";
import type { Database } from "./schema.ts";
import { openSqlite } from "./sqlite.ts";

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
export type Dialect = "sqlite" | "postgres";

export interface DbHandle {
  db: Db;
  dialect: Dialect;
  /** Connection string for PostgreSQL, used by LISTEN/NOTIFY clients. */
  postgresUrl: string | null;
  close(): Promise<void>;
}

/** pg is loaded only when PostgreSQL is used: an embedded install starts faster and smaller without it. */
export function loadPg(): typeof pg {
  return createRequire(import.meta.url)("pg") as typeof pg;
}

export function openDatabase(config: Pick<Config, "databaseUrl" | "sqlitePath">): DbHandle {
  if (config.databaseUrl) {
    const pool = new (loadPg().Pool)({ connectionString: config.databaseUrl, max: 20 });
    // A dropped idle connection must not crash the process; the pool replaces it.
    pool.on("error", () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: "postgres", postgresUrl: config.databaseUrl, close: () => db.destroy() };
  }
  fs.mkdirSync(path.dirname(config.sqlitePath), { recursive: true });
  const { kysely } = openSqlite(config.sqlitePath);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: kysely }) });
  return { db, dialect: "sqlite", postgresUrl: null, close: () => db.destroy() };
}
