import { PostgresAdapter, sql, type Kysely } from "kysely";

// Indexes the durable queue and the key-value store need (jobs/db-mq.ts, jobs/db-kv.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  // The ordering-key rule ("only the oldest job of a key may run") looks up the oldest row per key.
  await db.schema
    .createIndex("jobs_ordering")
    .on("jobs")
    .columns(["queue", "ordering_key", "id"])
    .where(sql.ref("ordering_key"), "is not", null)
    .execute();
  // Lazy sweeping of expired keys.
  await db.schema.createIndex("kv_expires").on("kv").column("expires_at").where(sql.ref("expires_at"), "is not", null).execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // Prefix listing compares keys byte-wise; the primary key index follows the database's collation.
    await sql`CREATE INDEX kv_key_bytewise ON kv (key COLLATE "C")`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error("Weft migrations only go forward");
}
