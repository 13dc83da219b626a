import { sql } from "kysely";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import type { TagRow } from "./hydrate.ts";
import { newId, nowIso } from "./ids.ts";
import { applyPage, pageResult, type Page } from "./pagination.ts";
import { normaliseTag } from "./tags.ts";
import { isValidHashtagName } from "./text/index.ts";

/*
 * Hashtags as things a user follows or features, with the week of use Mastodon's Tag entity
 * shows. Tags are rows shared by everyone; following one creates it if nobody used it yet.
 */

export interface TagDay {
  /** UNIX time of the day's start (UTC) */
  day: number;
  uses: number;
  accounts: number;
}

export async function findTag(ctx: Ctx, name: string): Promise<TagRow | undefined> {
  const norm = normaliseTag(name);
  if (!norm) return undefined;
  return ctx.db.selectFrom("tags").selectAll().where("name", "=", norm).executeTakeFirst();
}

/** The tag by name, created when it is a valid hashtag nobody used yet. */
export async function findOrCreateTag(ctx: Ctx, name: string): Promise<TagRow> {
  const display = name.replace(/^#/, "");
  if (!isValidHashtagName(display)) throw new DomainError("not_found", "Record not found");
  const existing = await findTag(ctx, display);
  if (existing) return existing;
  await ctx.db
    .insertInto("tags")
    .values({ id: newId(), name: normaliseTag(display), display_name: display, created_at: nowIso() })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  return (await findTag(ctx, display))!;
}

export async function followTag(ctx: Ctx, accountId: string, name: string): Promise<TagRow> {
  const tag = await findOrCreateTag(ctx, name);
  await ctx.db
    .insertInto("tag_follows")
    .values({ id: newId(), account_id: accountId, tag_id: tag.id, created_at: nowIso() })
    .onConflict((oc) => oc.columns(["account_id", "tag_id"]).doNothing())
    .execute();
  return tag;
}

export async function unfollowTag(ctx: Ctx, accountId: string, name: string): Promise<TagRow> {
  const tag = await findTag(ctx, name.replace(/^#/, ""));
  if (!tag) throw new DomainError("not_found", "Record not found");
  await ctx.db.deleteFrom("tag_follows").where("account_id", "=", accountId).where("tag_id", "=", tag.id).execute();
  return tag;
}

export interface TagPage {
  tags: TagRow[];
  keys: string[];
}

export async function followedTags(ctx: Ctx, accountId: string, page: Page): Promise<TagPage> {
  const q = ctx.db
    .selectFrom("tag_follows")
    .innerJoin("tags", "tags.id", "tag_follows.tag_id")
    .selectAll("tags")
    .select("tag_follows.id as follow_id")
    .where("tag_follows.account_id", "=", accountId);
  const rows = pageResult(await applyPage(q, "tag_follows.id", page).execute(), page);
  return { tags: rows.map(({ follow_id: _f, ...tag }) => tag), keys: rows.map((r) => r.follow_id) };
}

/** Accounts following the tag: for fan-out of posts that use it into their home timelines. */
export async function tagFollowers(ctx: Ctx, tagIds: readonly string[]): Promise<string[]> {
  if (!tagIds.length) return [];
  const rows = await ctx.db.selectFrom("tag_follows").select("account_id").where("tag_id", "in", [...tagIds]).distinct().execute();
  return rows.map((r) => r.account_id);
}

export interface TagStates {
  following: Set<string>;
  featuring: Set<string>;
}

/** Which of the tags the viewer follows and features. */
export async function tagStates(ctx: Ctx, viewerId: string, tagIds: readonly string[]): Promise<TagStates> {
  if (!tagIds.length) return { following: new Set(), featuring: new Set() };
  const ids = [...tagIds];
  const [follows, features] = await Promise.all([
    ctx.db.selectFrom("tag_follows").select("tag_id").where("account_id", "=", viewerId).where("tag_id", "in", ids).execute(),
    ctx.db.selectFrom("featured_tags").select("tag_id").where("account_id", "=", viewerId).where("tag_id", "in", ids).execute(),
  ]);
  return { following: new Set(follows.map((r) => r.tag_id)), featuring: new Set(features.map((r) => r.tag_id)) };
}

const DAY_MS = 86_400_000;

/**
 * Uses per day over the last `days` days (today first), counting public and unlisted posts;
 * one query for all the tags.
 */
export async function tagHistory(ctx: Ctx, tagIds: readonly string[], days = 7): Promise<Map<string, TagDay[]>> {
  const out = new Map<string, TagDay[]>();
  if (!tagIds.length) return out;
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const since = new Date(today - (days - 1) * DAY_MS).toISOString();
  const rows = await ctx.db
    .selectFrom("status_tags")
    .innerJoin("statuses", "statuses.id", "status_tags.status_id")
    .select([
      "status_tags.tag_id as tag_id",
      sql<string>`substr(statuses.created_at, 1, 10)`.as("day"),
      (eb) => eb.fn.countAll<string | number>().as("uses"),
      sql<string | number>`count(distinct statuses.account_id)`.as("accounts"),
    ])
    .where("status_tags.tag_id", "in", [...tagIds])
    .where("statuses.created_at", ">=", since)
    .where("statuses.deleted_at", "is", null)
    .where("statuses.visibility", "in", ["public", "unlisted"])
    .groupBy(["status_tags.tag_id", sql`substr(statuses.created_at, 1, 10)`])
    .execute();
  const counts = new Map(rows.map((r) => [`${r.tag_id}:${r.day}`, r]));
  for (const id of tagIds) {
    const history: TagDay[] = [];
    for (let i = 0; i < days; i++) {
      const start = today - i * DAY_MS;
      const r = counts.get(`${id}:${new Date(start).toISOString().slice(0, 10)}`);
      history.push({ day: start / 1000, uses: Number(r?.uses ?? 0), accounts: Number(r?.accounts ?? 0) });
    }
    out.set(id, history);
  }
  return out;
}
