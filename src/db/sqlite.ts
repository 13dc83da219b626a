import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/**
 * Lets Kysely's SqliteDialect drive the built-in `node:sqlite`, which is shaped
 * almost like better-sqlite3 but takes parameters spread and has no `reader` flag.
 */
export function openSqlite(file: string): { kysely: SqliteDatabase; raw: DatabaseSync } {
  const raw = new DatabaseSync(file);
  raw.exec("PRAGMA journal_mode = WAL");
  raw.exec("PRAGMA synchronous = NORMAL");
  raw.exec("PRAGMA foreign_keys = ON");
  raw.exec("PRAGMA busy_timeout = 5000");
  // Whether a statement returns rows is kept with it: columns() builds its metadata anew on
  // every call, which cost more than some of the queries themselves.
  const cache = new Map<string, { stmt: StatementSync; reader: boolean }>();
  const kysely: SqliteDatabase = {
    close: () => raw.close(),
    prepare(sql: string): SqliteStatement {
      let entry = cache.get(sql);
      if (!entry) {
        const stmt = raw.prepare(sql);
        entry = { stmt, reader: stmt.columns().length > 0 };
        if (cache.size > 2000) cache.clear();
        cache.set(sql, entry);
      }
      const s = entry.stmt;
      const params = (p: ReadonlyArray<unknown>) => p.map(toSqliteValue) as never[];
      return {
        reader: entry.reader,
        all: (p) => s.all(...params(p)),
        run: (p) => {
          const r = s.run(...params(p));
          return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
        },
        iterate: (p) => s.iterate(...params(p)) as IterableIterator<unknown>,
      };
    },
  };
  return { kysely, raw };
}

function toSqliteValue(v: unknown): unknown {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return v.toISOString();
  if (v === undefined) return null;
  return v;
}
