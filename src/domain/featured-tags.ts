import { sql } from "kysely";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import type { TagRow } from "./hydrate.ts";
import { newId, nowIso } from "./ids.ts";
import { findOrCreateTag } from "./tag-follows.ts";

/*
 * Hashtags an account features on its profile, each with how many of its public posts use it
 * and when it last did.
 */

export const MAX_FEATURED_TAGS = 10;

export interface FeaturedTagView {
  id: string;
  tag: TagRow;
  statusesCount: number;
  lastStatusAt: string | null;
}

export async function featuredTagsOf(ctx: Ctx, accountId: string): Promise<FeaturedTagView[]> {
  const rows = await ctx.db
    .selectFrom("featured_tags")
    .innerJoin("tags", "tags.id", "featured_tags.tag_id")
    .selectAll("tags")
    .select("featured_tags.id as featured_id")
    .where("featured_tags.account_id", "=", accountId)
    .orderBy("featured_tags.id")
    .execute();
  if (!rows.length) return [];
  const stats = await ctx.db
    .selectFrom("status_tags")
    .innerJoin("statuses", "statuses.id", "status_tags.status_id")
    .select([
      "status_tags.tag_id as tag_id",
      (eb) => eb.fn.countAll<string | number>().as("n"),
      (eb) => eb.fn.max("statuses.created_at").as("last"),
    ])
    .where("statuses.account_id", "=", accountId)
    .where("status_tags.tag_id", "in", rows.map((r) => r.id))
    .where("statuses.deleted_at", "is", null)
    .where("statuses.visibility", "in", ["public", "unlisted"])
    .groupBy("status_tags.tag_id")
    .execute();
  const byTag = new Map(stats.map((s) => [s.tag_id, s]));
  return rows.map(({ featured_id, ...tag }) => ({
    id: featured_id,
    tag,
    statusesCount: Number(byTag.get(tag.id)?.n ?? 0),
    lastStatusAt: byTag.get(tag.id)?.last ?? null,
  }));
}

/** Features the tag (created if new); featuring one already featured changes nothing. */
export async function featureTag(ctx: Ctx, accountId: string, name: string): Promise<FeaturedTagView> {
  let tag: TagRow;
  try {
    tag = await findOrCreateTag(ctx, name);
  } catch {
    throw new DomainError("invalid", "Name is not a valid hashtag");
  }
  await ctx.db.transaction().execute(async (tx) => {
    const existing = await tx.selectFrom("featured_tags").select("id").where("account_id", "=", accountId).where("tag_id", "=", tag.id).executeTakeFirst();
    if (existing) return;
    const count = await tx
      .selectFrom("featured_tags")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("account_id", "=", accountId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_FEATURED_TAGS) throw new DomainError("invalid", `You cannot feature more than ${MAX_FEATURED_TAGS} hashtags`);
    await tx.insertInto("featured_tags").values({ id: newId(), account_id: accountId, tag_id: tag.id, created_at: nowIso() }).execute();
  });
  return (await featuredTagsOf(ctx, accountId)).find((f) => f.tag.id === tag.id)!;
}

export async function unfeatureTag(ctx: Ctx, accountId: string, featuredId: string): Promise<void> {
  const res = await ctx.db.deleteFrom("featured_tags").where("id", "=", featuredId).where("account_id", "=", accountId).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new DomainError("not_found", "Record not found");
}

export async function unfeatureTagById(ctx: Ctx, accountId: string, tagId: string): Promise<void> {
  await ctx.db.deleteFrom("featured_tags").where("tag_id", "=", tagId).where("account_id", "=", accountId).execute();
}

/** Tags the account used most in its recent posts and does not feature yet. */
export async function suggestedTags(ctx: Ctx, accountId: string, limit = 10): Promise<TagRow[]> {
  const recent = ctx.db
    .selectFrom("statuses")
    .select("id")
    .where("account_id", "=", accountId)
    .where("deleted_at", "is", null)
    .orderBy("id", "desc")
    .limit(200);
  const rows = await ctx.db
    .selectFrom("status_tags")
    .innerJoin("tags", "tags.id", "status_tags.tag_id")
    .selectAll("tags")
    .select(sql<string | number>`count(*)`.as("uses"))
    .where("status_tags.status_id", "in", recent)
    .where("status_tags.tag_id", "not in", ctx.db.selectFrom("featured_tags").select("tag_id").where("account_id", "=", accountId))
    .groupBy(["tags.id", "tags.name", "tags.display_name", "tags.created_at"])
    .orderBy(sql`count(*)`, "desc")
    .orderBy("tags.name")
    .limit(limit)
    .execute();
  return rows.map(({ uses: _u, ...tag }) => tag);
}
