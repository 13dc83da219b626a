import { sql } from "kysely";
import type { Ctx } from "./context.ts";
import type { TagRow } from "./hydrate.ts";

/*
 * Trends, simply: the hashtags the most people used in public posts over the last week, and the
 * public posts of the last few days with the most favourites and boosts. No review queue, no
 * decay model: honest counts over what this server has seen.
 */

const DAY_MS = 86_400_000;

export interface TrendWindow {
  limit: number;
  offset: number;
}

export async function trendingTags(ctx: Ctx, w: TrendWindow, days = 7): Promise<TagRow[]> {
  const since = new Date(Date.now() - days * DAY_MS).toISOString();
  const rows = await ctx.db
    .selectFrom("status_tags")
    .innerJoin("statuses", "statuses.id", "status_tags.status_id")
    .innerJoin("tags", "tags.id", "status_tags.tag_id")
    .select(["tags.id", "tags.name", "tags.display_name", "tags.created_at"])
    .where("statuses.created_at", ">=", since)
    .where("statuses.visibility", "=", "public")
    .where("statuses.deleted_at", "is", null)
    .where("statuses.reblog_of_id", "is", null)
    .groupBy(["tags.id", "tags.name", "tags.display_name", "tags.created_at"])
    .orderBy(sql`count(distinct statuses.account_id)`, "desc")
    .orderBy(sql`count(*)`, "desc")
    .orderBy("tags.name")
    .limit(w.limit)
    .offset(w.offset)
    .execute();
  return rows;
}

export async function trendingStatuses(ctx: Ctx, w: TrendWindow, days = 3): Promise<string[]> {
  const since = new Date(Date.now() - days * DAY_MS).toISOString();
  const rows = await ctx.db
    .selectFrom("statuses")
    .innerJoin("accounts", "accounts.id", "statuses.account_id")
    .select("statuses.id")
    .where("statuses.created_at", ">=", since)
    .where("statuses.visibility", "=", "public")
    .where("statuses.deleted_at", "is", null)
    .where("statuses.reblog_of_id", "is", null)
    .where("accounts.deleted_at", "is", null)
    // Authors who opted out of discovery are not put forward.
    .where("accounts.discoverable", "=", 1)
    .where(sql<number>`statuses.favourites_count + statuses.reblogs_count`, ">", 0)
    .orderBy(sql`statuses.favourites_count + statuses.reblogs_count`, "desc")
    .orderBy("statuses.id", "desc")
    .limit(w.limit)
    .offset(w.offset)
    .execute();
  return rows.map((r) => r.id);
}
