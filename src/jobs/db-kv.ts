import { isDeepStrictEqual } from "node:util";
import { sql, type ExpressionBuilder } from "kysely";
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import type { DbHandle } from "../db/index.ts";
import type { Database } from "../db/schema.ts";
import { durationToMs } from "./duration.ts";

/**
 * Fedify's key-value store (document cache, idempotence marks, key caches) over the `kv` table.
 *
 * Keys are stored as their JSON array text, so `["a","b"]` lists under prefix `["a"]` by a
 * byte-wise range query on `["a",` … `["a"-` (',' is followed by '-'), which is exact and
 * needs no LIKE escaping. PostgreSQL compares with COLLATE "C" so its locale cannot reorder it.
 * Values are JSON text. Expired rows read as absent; they are deleted when read and, at most
 * once a minute, in bulk on writes.
 */
export class DbKvStore implements KvStore {
  readonly #db: DbHandle["db"];
  readonly #dialect: DbHandle["dialect"];
  #lastSweep = 0;

  constructor(handle: Pick<DbHandle, "db" | "dialect">) {
    this.#db = handle.db;
    this.#dialect = handle.dialect;
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const k = encodeKey(key);
    const row = await this.#db.selectFrom("kv").select(["value", "expires_at"]).where("key", "=", k).executeTakeFirst();
    if (!row) return undefined;
    if (isExpired(row.expires_at, new Date().toISOString())) {
      await this.#db.deleteFrom("kv").where("key", "=", k).where("expires_at", "=", row.expires_at).execute();
      return undefined;
    }
    return JSON.parse(row.value) as T;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    if (value === undefined) return this.delete(key);
    await this.#maybeSweep();
    const row = { key: encodeKey(key), value: JSON.stringify(value), expires_at: expiryOf(options) };
    await this.#db
      .insertInto("kv")
      .values(row)
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: row.value, expires_at: row.expires_at }))
      .execute();
  }

  async delete(key: KvKey): Promise<void> {
    await this.#db.deleteFrom("kv").where("key", "=", encodeKey(key)).execute();
  }

  /**
   * Optimistic: read, compare in JS (values are compared as JSON would store them), then write
   * only if the row still holds exactly what was read. A lost race re-reads, so this is atomic
   * across processes on both databases without holding a transaction open.
   */
  async cas(key: KvKey, expectedValue: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    const k = encodeKey(key);
    const expected = expectedValue === undefined ? undefined : JSON.parse(JSON.stringify(expectedValue));
    const expiresAt = expiryOf(options);
    for (;;) {
      const row = await this.#db.selectFrom("kv").select(["value", "expires_at"]).where("key", "=", k).executeTakeFirst();
      const live = row != null && !isExpired(row.expires_at, new Date().toISOString());
      const current = live ? JSON.parse(row.value) : undefined;
      if (!isDeepStrictEqual(current, expected)) return false;

      if (row == null) {
        if (newValue === undefined) return true;
        const r = await this.#db
          .insertInto("kv")
          .values({ key: k, value: JSON.stringify(newValue), expires_at: expiresAt })
          .onConflict((oc) => oc.column("key").doNothing())
          .executeTakeFirst();
        if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) return true;
        continue;
      }

      // Write only over exactly the row that was compared.
      const unchanged = (eb: ExpressionBuilder<Database, "kv">) =>
        eb.and([
          eb("key", "=", k),
          eb("value", "=", row.value),
          row.expires_at == null ? eb("expires_at", "is", null) : eb("expires_at", "=", row.expires_at),
        ]);
      const changed = newValue === undefined
        ? (await this.#db.deleteFrom("kv").where(unchanged).executeTakeFirst()).numDeletedRows
        : (await this.#db
          .updateTable("kv")
          .set({ value: JSON.stringify(newValue), expires_at: expiresAt })
          .where(unchanged)
          .executeTakeFirst()).numUpdatedRows;
      if (changed > 0n) return true;
    }
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const now = new Date().toISOString();
    let q = this.#db
      .selectFrom("kv")
      .select(["key", "value"])
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]));
    if (prefix != null && prefix.length > 0) {
      const exact = encodeKey(prefix);
      const lo = `${exact.slice(0, -1)},`;
      const hi = `${exact.slice(0, -1)}-`;
      const col = this.#dialect === "postgres" ? sql`key COLLATE "C"` : sql`key`;
      q = q.where((eb) =>
        eb.or([eb("key", "=", exact), eb.and([sql<boolean>`${col} >= ${lo}`, sql<boolean>`${col} < ${hi}`])]),
      );
    }
    const rows = await q.orderBy("key").execute();
    for (const row of rows) {
      yield { key: JSON.parse(row.key) as KvKey, value: JSON.parse(row.value) };
    }
  }

  async #maybeSweep(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastSweep < 60_000) return;
    this.#lastSweep = now;
    await this.#db.deleteFrom("kv").where("expires_at", "<=", new Date(now).toISOString()).execute();
  }
}

function encodeKey(key: KvKey): string {
  return JSON.stringify(key);
}

function expiryOf(options?: KvStoreSetOptions): string | null {
  if (options?.ttl == null) return null;
  return new Date(Date.now() + durationToMs(options.ttl)).toISOString();
}

function isExpired(expiresAt: string | null, nowIso: string): boolean {
  return expiresAt != null && expiresAt <= nowIso;
}
