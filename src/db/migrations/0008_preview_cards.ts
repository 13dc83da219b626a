import type { Kysely } from "kysely";

/*
 * Link previews (Mastodon's PreviewCard). One row per URL, shared by every status that links
 * it, so a popular link is fetched once. `html` exists for the API's shape but Weft never
 * stores a remote page's embed HTML: showing it would run another site's markup in clients.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("preview_cards")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("url", "text", (c) => c.notNull().unique())
    .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("type", "text", (c) => c.notNull().defaultTo("link"))
    .addColumn("author_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("author_url", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("provider_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("provider_url", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("html", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("width", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("height", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("image", "text")
    .addColumn("image_description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("blurhash", "text")
    .addColumn("language", "text")
    .addColumn("published_at", "text")
    // null until a fetch finished; with `error` set the URL gave no usable preview
    .addColumn("fetched_at", "text")
    .addColumn("error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("status_cards")
    .addColumn("status_id", "text", (c) => c.primaryKey().references("statuses.id").onDelete("cascade"))
    .addColumn("card_id", "text", (c) => c.notNull().references("preview_cards.id").onDelete("cascade"))
    .execute();
  await db.schema.createIndex("status_cards_card").on("status_cards").column("card_id").execute();
}

export async function down(): Promise<void> {
  throw new Error("Weft migrations only go forward");
}
