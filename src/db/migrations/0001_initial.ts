import { PostgresAdapter, sql, type Kysely } from "kysely";

// Column types are chosen to mean the same on SQLite and PostgreSQL (see db/schema.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  const isPg = await isPostgres(db);
  const serial = isPg ? "bigserial" : "integer";

  await db.schema
    .createTable("accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("domain", "text")
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("url", "text")
    .addColumn("inbox_url", "text")
    .addColumn("shared_inbox_url", "text")
    .addColumn("outbox_url", "text")
    .addColumn("followers_url", "text")
    .addColumn("following_url", "text")
    .addColumn("featured_url", "text")
    .addColumn("actor_type", "text", (c) => c.notNull().defaultTo("Person"))
    .addColumn("display_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("avatar_url", "text")
    .addColumn("header_url", "text")
    .addColumn("fields", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("emojis", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("locked", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("bot", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("discoverable", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("indexable", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("federating", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("public_key_pem", "text")
    .addColumn("public_key_id", "text")
    .addColumn("followers_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("following_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("statuses_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_status_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("fetched_at", "text")
    .addColumn("deleted_at", "text")
    .execute();
  // Handles compare case-insensitively, as on Mastodon.
  await sql`CREATE UNIQUE INDEX accounts_handle ON accounts (lower(username), coalesce(lower(domain), ''))`.execute(db);
  await db.schema.createIndex("accounts_public_key_id").on("accounts").column("public_key_id").execute();

  await db.schema
    .createTable("users")
    .addColumn("account_id", "text", (c) => c.primaryKey().references("accounts.id").onDelete("cascade"))
    .addColumn("email", "text")
    .addColumn("password_hash", "text")
    .addColumn("admin", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("approved", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("keys", "text", (c) => c.notNull())
    .addColumn("settings", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_active_at", "text")
    .execute();

  await db.schema
    .createTable("oauth_apps")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("website", "text")
    .addColumn("redirect_uris", "text", (c) => c.notNull())
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("client_id", "text", (c) => c.notNull().unique())
    .addColumn("client_secret", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("oauth_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("app_id", "text", (c) => c.references("oauth_apps.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.references("accounts.id").onDelete("cascade"))
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .addColumn("last_used_at", "text")
    .execute();

  await db.schema
    .createTable("oauth_codes")
    .addColumn("code_hash", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull().references("oauth_apps.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("redirect_uri", "text", (c) => c.notNull())
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("code_challenge", "text")
    .addColumn("code_challenge_method", "text")
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .execute();

  await db.schema
    .createTable("polls")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("status_id", "text")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("options", "text", (c) => c.notNull())
    .addColumn("cached_tallies", "text", (c) => c.notNull())
    .addColumn("multiple", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expires_at", "text")
    .addColumn("votes_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("voters_count", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("statuses")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("url", "text")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("local", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("in_reply_to_id", "text")
    .addColumn("in_reply_to_account_id", "text")
    .addColumn("in_reply_to_uri", "text")
    .addColumn("reblog_of_id", "text", (c) => c.references("statuses.id").onDelete("cascade"))
    .addColumn("conversation_id", "text")
    .addColumn("text", "text")
    .addColumn("content", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("spoiler_text", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("sensitive", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("visibility", "text", (c) => c.notNull())
    .addColumn("language", "text")
    .addColumn("application_id", "text")
    .addColumn("poll_id", "text")
    .addColumn("replies_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("reblogs_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("favourites_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("edited_at", "text")
    .addColumn("deleted_at", "text")
    .execute();
  await db.schema.createIndex("statuses_account").on("statuses").columns(["account_id", "id"]).execute();
  await db.schema.createIndex("statuses_reply").on("statuses").columns(["in_reply_to_id"]).execute();
  await db.schema.createIndex("statuses_reply_uri").on("statuses").columns(["in_reply_to_uri"]).execute();
  await db.schema.createIndex("statuses_conversation").on("statuses").columns(["conversation_id"]).execute();
  await db.schema.createIndex("statuses_reblog").on("statuses").columns(["reblog_of_id", "account_id"]).execute();
  await db.schema.createIndex("statuses_public").on("statuses").columns(["visibility", "local", "id"]).execute();

  await db.schema
    .createTable("status_edits")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("status_id", "text", (c) => c.notNull().references("statuses.id").onDelete("cascade"))
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("spoiler_text", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("sensitive", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("poll_options", "text")
    .addColumn("media_ids", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("status_edits_status").on("status_edits").columns(["status_id", "id"]).execute();

  await db.schema
    .createTable("mentions")
    .addColumn("status_id", "text", (c) => c.notNull().references("statuses.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("silent", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("mentions_pk", ["status_id", "account_id"])
    .execute();
  await db.schema.createIndex("mentions_account").on("mentions").columns(["account_id", "status_id"]).execute();

  await db.schema
    .createTable("tags")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("status_tags")
    .addColumn("status_id", "text", (c) => c.notNull().references("statuses.id").onDelete("cascade"))
    .addColumn("tag_id", "text", (c) => c.notNull().references("tags.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("status_tags_pk", ["status_id", "tag_id"])
    .execute();
  await db.schema.createIndex("status_tags_tag").on("status_tags").columns(["tag_id", "status_id"]).execute();

  await db.schema
    .createTable("media_attachments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("status_id", "text")
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("file_path", "text")
    .addColumn("preview_path", "text")
    .addColumn("content_type", "text")
    .addColumn("remote_url", "text")
    .addColumn("description", "text")
    .addColumn("blurhash", "text")
    .addColumn("meta", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("state", "text", (c) => c.notNull().defaultTo("ready"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("media_status").on("media_attachments").columns(["status_id"]).execute();

  for (const table of ["follows", "follow_requests"]) {
    await db.schema
      .createTable(table)
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
      .addColumn("target_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
      .addColumn("uri", "text")
      .addColumn("show_reblogs", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("notify", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addUniqueConstraint(`${table}_pair`, ["account_id", "target_account_id"])
      .execute();
    await db.schema.createIndex(`${table}_target`).on(table).columns(["target_account_id", "id"]).execute();
    await db.schema.createIndex(`${table}_uri`).on(table).columns(["uri"]).execute();
  }

  await db.schema
    .createTable("favourites")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("status_id", "text", (c) => c.notNull().references("statuses.id").onDelete("cascade"))
    .addColumn("uri", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("favourites_pair", ["account_id", "status_id"])
    .execute();
  await db.schema.createIndex("favourites_status").on("favourites").columns(["status_id"]).execute();
  await db.schema.createIndex("favourites_uri").on("favourites").columns(["uri"]).execute();

  await db.schema
    .createTable("poll_votes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("poll_id", "text", (c) => c.notNull().references("polls.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("choice", "integer", (c) => c.notNull())
    .addColumn("uri", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("poll_votes_once", ["poll_id", "account_id", "choice"])
    .execute();

  await db.schema
    .createTable("notifications")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("from_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("status_id", "text")
    .addColumn("dedupe_key", "text", (c) => c.unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("notifications_account").on("notifications").columns(["account_id", "id"]).execute();

  await db.schema
    .createTable("home_feed")
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("status_id", "text", (c) => c.notNull())
    .addColumn("author_id", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("home_feed_pk", ["account_id", "status_id"])
    .execute();
  await db.schema.createIndex("home_feed_author").on("home_feed").columns(["account_id", "author_id"]).execute();

  await db.schema
    .createTable("blocks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("target_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("uri", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("blocks_pair", ["account_id", "target_account_id"])
    .execute();

  await db.schema
    .createTable("mutes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("target_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("hide_notifications", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("expires_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("mutes_pair", ["account_id", "target_account_id"])
    .execute();

  await db.schema
    .createTable("bookmarks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("status_id", "text", (c) => c.notNull().references("statuses.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("bookmarks_pair", ["account_id", "status_id"])
    .execute();

  await db.schema
    .createTable("instance_settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("kv")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("expires_at", "text")
    .execute();

  await db.schema
    .createTable("jobs")
    .addColumn("id", sql.raw(serial), (c) => (isPg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("queue", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("run_at", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("locked_until", "text")
    .addColumn("ordering_key", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("jobs_ready").on("jobs").columns(["queue", "run_at"]).execute();

  await db.schema
    .createTable("inbox_activities")
    .addColumn("activity_id", "text", (c) => c.primaryKey())
    .addColumn("received_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("Weft migrations only go forward");
}

async function isPostgres(db: Kysely<unknown>): Promise<boolean> {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
