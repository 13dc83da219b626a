import type { Kysely } from "kysely";

/*
 * Client API state: read markers (Mastodon's /api/v1/markers, which also drives the unread
 * notification count), Idempotency-Key reservations for posting, and the indexes the
 * bookmark and favourite lists page over.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("markers")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("timeline", "text", (c) => c.notNull())
    .addColumn("last_read_id", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("markers_pk", ["account_id", "timeline"])
    .execute();

  await db.schema
    .createTable("idempotency_keys")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("key", "text", (c) => c.notNull())
    // null while the request holding the key is still running
    .addColumn("status_id", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["account_id", "key"])
    .execute();
  await db.schema.createIndex("idempotency_keys_created").on("idempotency_keys").column("created_at").execute();

  await db.schema.createIndex("bookmarks_account").on("bookmarks").columns(["account_id", "id"]).execute();
  await db.schema.createIndex("favourites_account").on("favourites").columns(["account_id", "id"]).execute();
}

export async function down(): Promise<void> {
  throw new Error("Weft migrations only go forward");
}
