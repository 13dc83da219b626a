import type { Kysely } from "kysely";

/*
 * Scheduled posts (Mastodon's ScheduledStatus): the posting parameters wait here until their
 * time, when a "scheduled_status.publish" job posts them. Uploads named by a scheduled post
 * point at it through media_attachments.scheduled_status_id, so they cannot be used twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("scheduled_statuses")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("scheduled_at", "text", (c) => c.notNull())
    // JSON: text, visibility, spoiler_text, sensitive, language, in_reply_to_id, poll, media_ids, application_id, idempotency
    .addColumn("params", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("scheduled_statuses_account_time")
    .on("scheduled_statuses")
    .columns(["account_id", "scheduled_at"])
    .execute();
  await db.schema.alterTable("media_attachments").addColumn("scheduled_status_id", "text").execute();
}

export async function down(): Promise<void> {
  throw new Error("Weft migrations only go forward");
}
