import type { Kysely } from "kysely";

/*
 * What Mastodon 4.3 clients ask of the notifications and moderation API: pinned posts, muted
 * threads, reports, notification grouping and filtering (per-user policy, requests from
 * filtered senders, senders let through), and dismissed follow suggestions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("status_pins")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("status_id", "text", (c) => c.notNull().references("statuses.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("status_pins_pair", ["account_id", "status_id"])
    .execute();
  await db.schema.createIndex("status_pins_status").on("status_pins").column("status_id").execute();

  // A muted thread is its statuses.conversation_id (the root's id), as conversation_marks keys it.
  await db.schema
    .createTable("conversation_mutes")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("conversation_id", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("conversation_mutes_pk", ["account_id", "conversation_id"])
    .execute();

  await db.schema
    .createTable("reports")
    .addColumn("id", "text", (c) => c.primaryKey())
    // the reporter: a local account (remote Flags are not stored yet)
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("target_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    // JSON arrays of ids; statuses stay listed after they are deleted, as on Mastodon
    .addColumn("status_ids", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("rule_ids", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
    // "spam" | "legal" | "violation" | "other"
    .addColumn("category", "text", (c) => c.notNull().defaultTo("other"))
    .addColumn("forwarded", "integer", (c) => c.notNull().defaultTo(0))
    // id of the Flag sent to the reported account's server, when forwarded
    .addColumn("uri", "text")
    .addColumn("action_taken_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("reports_target").on("reports").columns(["target_account_id", "id"]).execute();

  /*
   * Notifications gain a stored group key (Mastodon's: favourites and boosts of one status,
   * follows, within a 12-hour span), the report an admin.report is about, and a filtered flag
   * for those the recipient's policy holds back.
   */
  await db.schema.alterTable("notifications").addColumn("group_key", "text").execute();
  await db.schema.alterTable("notifications").addColumn("report_id", "text").execute();
  await db.schema.alterTable("notifications").addColumn("filtered", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex("notifications_group").on("notifications").columns(["account_id", "group_key"]).execute();
  await db.schema.createIndex("notifications_sender").on("notifications").columns(["account_id", "from_account_id"]).execute();

  // One row per user who changed anything; no row means every category is "accept".
  await db.schema
    .createTable("notification_policies")
    .addColumn("account_id", "text", (c) => c.primaryKey().references("accounts.id").onDelete("cascade"))
    .addColumn("for_not_following", "text", (c) => c.notNull().defaultTo("accept"))
    .addColumn("for_not_followers", "text", (c) => c.notNull().defaultTo("accept"))
    .addColumn("for_new_accounts", "text", (c) => c.notNull().defaultTo("accept"))
    .addColumn("for_private_mentions", "text", (c) => c.notNull().defaultTo("accept"))
    .addColumn("for_limited_accounts", "text", (c) => c.notNull().defaultTo("accept"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  // Mastodon's notification requests: one per sender whose notifications the policy filtered.
  await db.schema
    .createTable("notification_requests")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("from_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("last_status_id", "text")
    .addColumn("notifications_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("notification_requests_pair", ["account_id", "from_account_id"])
    .execute();

  // Senders whose request was accepted: their notifications are never filtered again.
  await db.schema
    .createTable("notification_permissions")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("from_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("notification_permissions_pk", ["account_id", "from_account_id"])
    .execute();

  // Accounts a user asked not to be suggested again (DELETE /api/v1/suggestions/:account_id).
  await db.schema
    .createTable("suggestion_dismissals")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("target_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("suggestion_dismissals_pk", ["account_id", "target_account_id"])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("Weft migrations only go forward");
}
