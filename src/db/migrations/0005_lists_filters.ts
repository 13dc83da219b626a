import type { Kysely } from "kysely";

/*
 * What clients keep in settings: lists, keyword filters, domain blocks, endorsed accounts,
 * featured and followed hashtags, private notes on accounts, per-account state of direct
 * conversations, and announcements.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("lists")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("replies_policy", "text", (c) => c.notNull().defaultTo("list"))
    .addColumn("exclusive", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("lists_account").on("lists").columns(["account_id", "id"]).execute();

  // Membership hangs off the follow: unfollowing someone takes them out of every list, as on Mastodon.
  await db.schema
    .createTable("list_accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("list_id", "text", (c) => c.notNull().references("lists.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("follow_id", "text", (c) => c.references("follows.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("list_accounts_pair", ["list_id", "account_id"])
    .execute();
  await db.schema.createIndex("list_accounts_account").on("list_accounts").columns(["account_id"]).execute();
  await db.schema.createIndex("list_accounts_follow").on("list_accounts").columns(["follow_id"]).execute();

  await db.schema
    .createTable("filters")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    // JSON array of contexts: home, notifications, public, thread, account
    .addColumn("context", "text", (c) => c.notNull())
    .addColumn("filter_action", "text", (c) => c.notNull().defaultTo("warn"))
    .addColumn("expires_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("filters_account").on("filters").columns(["account_id", "id"]).execute();

  await db.schema
    .createTable("filter_keywords")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("filter_id", "text", (c) => c.notNull().references("filters.id").onDelete("cascade"))
    .addColumn("keyword", "text", (c) => c.notNull())
    .addColumn("whole_word", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("filter_keywords_filter").on("filter_keywords").columns(["filter_id", "id"]).execute();

  await db.schema
    .createTable("filter_statuses")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("filter_id", "text", (c) => c.notNull().references("filters.id").onDelete("cascade"))
    .addColumn("status_id", "text", (c) => c.notNull().references("statuses.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("filter_statuses_pair", ["filter_id", "status_id"])
    .execute();

  await db.schema
    .createTable("domain_blocks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    // lower-case, punycode
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("domain_blocks_pair", ["account_id", "domain"])
    .execute();

  // Mastodon's account_pins: accounts a user features ("endorses") on their profile.
  await db.schema
    .createTable("endorsements")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("target_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("endorsements_pair", ["account_id", "target_account_id"])
    .execute();

  await db.schema
    .createTable("featured_tags")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("tag_id", "text", (c) => c.notNull().references("tags.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("featured_tags_pair", ["account_id", "tag_id"])
    .execute();

  await db.schema
    .createTable("tag_follows")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("tag_id", "text", (c) => c.notNull().references("tags.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("tag_follows_pair", ["account_id", "tag_id"])
    .execute();
  // Fan-out asks "who follows this tag?".
  await db.schema.createIndex("tag_follows_tag").on("tag_follows").columns(["tag_id"]).execute();

  await db.schema
    .createTable("account_notes")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("target_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("comment", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("account_notes_pk", ["account_id", "target_account_id"])
    .execute();

  /*
   * A direct conversation is the set of direct statuses sharing statuses.conversation_id; only
   * what each participant did to it is stored: read up to which status, removed up to which.
   */
  await db.schema
    .createTable("conversation_marks")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("conversation_id", "text", (c) => c.notNull())
    .addColumn("read_up_to", "text")
    .addColumn("removed_up_to", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("conversation_marks_pk", ["account_id", "conversation_id"])
    .execute();

  await db.schema
    .createTable("announcements")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("starts_at", "text")
    .addColumn("ends_at", "text")
    .addColumn("all_day", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("published_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("announcement_dismissals")
    .addColumn("announcement_id", "text", (c) => c.notNull().references("announcements.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("announcement_dismissals_pk", ["announcement_id", "account_id"])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("Weft migrations only go forward");
}
