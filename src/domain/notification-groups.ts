import { sql } from "kysely";
import type { Db, Tx } from "../db/index.ts";
import type { Ctx } from "./context.ts";
import type { NotificationRow } from "./hydrate.ts";
import { normaliseId } from "./ids.ts";
import { getMarker } from "./markers.ts";
import { browsableNotifications, type NotificationFilter } from "./notification-list.ts";
import type { Page } from "./pagination.ts";

/*
 * Grouped notifications, as Mastodon 4.3 makes them. A favourite or boost of one status, or a
 * follow, gets a group key when it is recorded: "<type>-<statusId>-<hour>" or "follow-<hour>",
 * where <hour> is the hour the group started; a later one joins the group while it is less than
 * 12 hours younger than that start. Everything else is a group of its own ("ungrouped-<id>").
 * A page of groups holds each group once, at its newest notification in the page.
 */

export const GROUPABLE_TYPES: readonly string[] = ["favourite", "reblog", "follow"];
const SPAN_HOURS = 12;
const HOUR_MS = 3_600_000;
/** Mastodon's SAMPLE_ACCOUNTS_SIZE */
export const SAMPLE_ACCOUNTS = 8;
/** how many rows one page may read while skipping members of groups it already holds */
const MAX_SCANNED = 4000;

/** The group key a new notification gets, or null when its type is not grouped. */
export async function groupKeyFor(
  db: Db | Tx,
  n: { accountId: string; type: string; statusId?: string | null },
  at: number = Date.now(),
): Promise<string | null> {
  let prefix: string;
  if (n.type === "favourite" || n.type === "reblog") {
    if (!n.statusId) return null;
    prefix = `${n.type}-${n.statusId}`;
  } else if (n.type === "follow") {
    prefix = "follow";
  } else {
    return null;
  }
  const hour = Math.floor(at / HOUR_MS);
  // A group still open started within the last SPAN_HOURS hours; at most one such key exists.
  const candidates = Array.from({ length: SPAN_HOURS }, (_, i) => `${prefix}-${hour - i}`);
  const open = await db
    .selectFrom("notifications")
    .select("group_key")
    .where("account_id", "=", n.accountId)
    .where("group_key", "in", candidates)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return open?.group_key ?? `${prefix}-${hour}`;
}

/** How a notification is grouped for a request: `groupedTypes` narrows which stored keys count. */
export function effectiveGroupKey(row: Pick<NotificationRow, "id" | "type" | "group_key">, groupedTypes: readonly string[]): string {
  return row.group_key && groupedTypes.includes(row.type) ? row.group_key : `ungrouped-${row.id}`;
}

/** The grouped types a request asked for (`grouped_types[]`), or all of them. */
export function groupedTypesOf(asked: readonly string[]): string[] {
  const known = asked.filter((t) => GROUPABLE_TYPES.includes(t));
  return asked.length ? known : [...GROUPABLE_TYPES];
}

export interface GroupSummary {
  groupKey: string;
  /** the notification that stands for the group (its newest in the page) */
  representativeId: string;
  mostRecentId: string;
  count: number;
  /** newest first, at most SAMPLE_ACCOUNTS, possibly repeating an account */
  sampleAccountIds: string[];
  /** only when paging: the group's oldest and newest notification in the page, and the newest's time */
  page: { minId: string; maxId: string; latestAt: string } | null;
}

interface Range {
  /** inclusive lower bound, or null */
  from: string | null;
  /** upper bound, or null */
  to: string | null;
  toInclusive: boolean;
}

/**
 * One page of groups, newest first: each group once, as its newest notification within the page,
 * with its count, sample accounts and the part of it the page covers, as Mastodon computes them
 * (counts run from the page's newest notification down through the group's whole history).
 */
export async function listNotificationGroups(
  ctx: Ctx,
  accountId: string,
  filter: NotificationFilter,
  page: Page,
  groupedTypes: readonly string[],
): Promise<GroupSummary[]> {
  const reps = await representatives(ctx, accountId, filter, page, groupedTypes);
  if (!reps.length) return [];
  const newest = reps[0].id;
  const oldest = reps[reps.length - 1].id;
  let range: Range = { from: oldest, to: newest, toInclusive: true };
  // A short page is the last one in its direction: it covers everything up to the cursor.
  if (reps.length < page.limit) {
    range = page.minId
      ? { from: oldest, to: page.maxId ? normaliseId(page.maxId) : null, toInclusive: false }
      : { from: page.sinceId ? next(normaliseId(page.sinceId)) : null, to: newest, toInclusive: true };
  }
  return summarise(ctx, accountId, reps, groupedTypes, range);
}

/** One group by key (GET /api/v2/notifications/:group_key): its whole history, no page data. */
export async function findNotificationGroup(ctx: Ctx, accountId: string, groupKey: string): Promise<GroupSummary | null> {
  const row = await notificationsOfGroup(ctx.db, accountId, groupKey).selectAll().orderBy("id", "desc").limit(1).executeTakeFirst();
  if (!row) return null;
  const [summary] = await summarise(ctx, accountId, [row], [...GROUPABLE_TYPES], null);
  return summary ?? null;
}

/** The notifications a key names; "ungrouped-<id>" names one. */
export function notificationsOfGroup(db: Db | Tx, accountId: string, groupKey: string) {
  const q = db.selectFrom("notifications").where("account_id", "=", accountId);
  const m = /^ungrouped-(\d{1,20})$/.exec(groupKey);
  return m ? q.where("id", "=", normaliseId(m[1])) : q.where("group_key", "=", groupKey);
}

export async function dismissNotificationGroup(ctx: Ctx, accountId: string, groupKey: string): Promise<void> {
  const m = /^ungrouped-(\d{1,20})$/.exec(groupKey);
  let q = ctx.db.deleteFrom("notifications").where("account_id", "=", accountId);
  q = m ? q.where("id", "=", normaliseId(m[1])) : q.where("group_key", "=", groupKey);
  await q.execute();
}

/** The accounts behind a group's notifications, newest first, paged by notification id. */
export async function groupAccountIds(ctx: Ctx, accountId: string, groupKey: string, page: Page): Promise<Array<{ id: string; accountId: string }>> {
  let q = notificationsOfGroup(ctx.db, accountId, groupKey).select(["id", "from_account_id"]);
  if (page.maxId) q = q.where("id", "<", normaliseId(page.maxId));
  if (page.sinceId) q = q.where("id", ">", normaliseId(page.sinceId));
  const rows = await q.orderBy("id", "desc").limit(page.limit).execute();
  return rows.map((r) => ({ id: r.id, accountId: r.from_account_id }));
}

/** Groups with a notification newer than the notifications marker, counting at most `limit`. */
export async function unreadGroupCount(
  ctx: Ctx,
  accountId: string,
  filter: NotificationFilter,
  groupedTypes: readonly string[],
  limit: number,
): Promise<number> {
  const marker = await getMarker(ctx, accountId, "notifications");
  const seen = new Set<string>();
  let after = marker ? normaliseId(marker.last_read_id) : null;
  for (let scanned = 0; seen.size < limit && scanned < MAX_SCANNED; ) {
    let q = browsableNotifications(ctx, accountId, filter).select(["notifications.type", "notifications.group_key"]);
    if (after) q = q.where("notifications.id", ">", after);
    const rows = await q.orderBy("notifications.id", "asc").limit(BATCH).execute();
    for (const r of rows) {
      seen.add(effectiveGroupKey(r, groupedTypes));
      if (seen.size >= limit) break;
    }
    scanned += rows.length;
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1].id;
  }
  return Math.min(seen.size, limit);
}

const BATCH = 200;

/** Walks the notifications from the cursor, keeping the first of each group, until `limit` groups. */
async function representatives(
  ctx: Ctx,
  accountId: string,
  filter: NotificationFilter,
  page: Page,
  groupedTypes: readonly string[],
): Promise<NotificationRow[]> {
  const ascending = !!page.minId;
  const seen = new Set<string>();
  const out: NotificationRow[] = [];
  let cursor: string | null = null;
  for (let scanned = 0; out.length < page.limit && scanned < MAX_SCANNED; ) {
    let q = browsableNotifications(ctx, accountId, filter).selectAll("notifications");
    if (page.maxId) q = q.where("notifications.id", "<", normaliseId(page.maxId));
    if (ascending) q = q.where("notifications.id", ">", cursor ?? normaliseId(page.minId!));
    else {
      if (page.sinceId) q = q.where("notifications.id", ">", normaliseId(page.sinceId));
      if (cursor) q = q.where("notifications.id", "<", cursor);
    }
    const rows: NotificationRow[] = await q.orderBy("notifications.id", ascending ? "asc" : "desc").limit(BATCH).execute();
    for (const row of rows) {
      const key = effectiveGroupKey(row, groupedTypes);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(row);
      if (out.length >= page.limit) break;
    }
    scanned += rows.length;
    if (rows.length < BATCH) break;
    cursor = rows[rows.length - 1].id;
  }
  return ascending ? out.reverse() : out;
}

/** The id right after `id`, as an inclusive lower bound for "newer than id". */
function next(id: string): string {
  return (BigInt(id) + 1n).toString().padStart(id.length, "0");
}

async function summarise(
  ctx: Ctx,
  accountId: string,
  reps: NotificationRow[],
  groupedTypes: readonly string[],
  range: Range | null,
): Promise<GroupSummary[]> {
  const grouped = [...new Set(reps.map((r) => effectiveGroupKey(r, groupedTypes)).filter((k) => !k.startsWith("ungrouped-")))];
  const data = await groupData(ctx, accountId, grouped, range);
  return reps.map((row) => {
    const key = effectiveGroupKey(row, groupedTypes);
    const d = data.get(key);
    if (!d) {
      return {
        groupKey: key,
        representativeId: row.id,
        mostRecentId: row.id,
        count: 1,
        sampleAccountIds: [row.from_account_id],
        page: range ? { minId: row.id, maxId: row.id, latestAt: row.created_at } : null,
      };
    }
    return {
      groupKey: key,
      representativeId: row.id,
      mostRecentId: d.maxId,
      count: d.count,
      sampleAccountIds: d.samples,
      page: range ? { minId: d.minId ?? row.id, maxId: d.maxId, latestAt: d.latestAt } : null,
    };
  });
}

interface GroupData {
  maxId: string;
  count: number;
  samples: string[];
  minId: string | null;
  latestAt: string;
}

/** Counts, newest member, oldest member in range and sample senders of each group: four queries however many groups. */
async function groupData(ctx: Ctx, accountId: string, keys: string[], range: Range | null): Promise<Map<string, GroupData>> {
  if (!keys.length) return new Map();
  const inGroups = () => ctx.db.selectFrom("notifications").where("account_id", "=", accountId).where("group_key", "in", keys);
  const upTo = (q: ReturnType<typeof inGroups>) => (range?.to ? q.where("id", range.toInclusive ? "<=" : "<", range.to) : q);

  const [totals, mins, samples] = await Promise.all([
    upTo(inGroups())
      .select(["group_key", (eb) => eb.fn.max<string>("id").as("max_id"), (eb) => eb.fn.countAll<string | number>().as("n")])
      .groupBy("group_key")
      .execute(),
    // Without a lower bound (the last page) the page reaches down to the group's first notification.
    range
      ? upTo(range.from ? inGroups().where("id", ">=", range.from) : inGroups())
          .select(["group_key", (eb) => eb.fn.min<string>("id").as("min_id")])
          .groupBy("group_key")
          .execute()
      : Promise.resolve([] as Array<{ group_key: string | null; min_id: string }>),
    ctx.db
      .selectFrom(
        upTo(inGroups())
          .select([
            "group_key",
            "from_account_id",
            "id",
            sql<number>`row_number() over (partition by group_key order by id desc)`.as("rn"),
          ])
          .as("ranked"),
      )
      .select(["ranked.group_key", "ranked.from_account_id", "ranked.id"])
      .where("ranked.rn", "<=", SAMPLE_ACCOUNTS)
      .orderBy("ranked.id", "desc")
      .execute(),
  ]);
  const newestIds = totals.map((t) => t.max_id);
  const times = newestIds.length
    ? await ctx.db.selectFrom("notifications").select(["id", "created_at"]).where("id", "in", newestIds).execute()
    : [];
  const timeOf = new Map(times.map((t) => [t.id, t.created_at]));
  const minOf = new Map(mins.map((m) => [m.group_key, m.min_id]));
  const samplesOf = new Map<string, string[]>();
  for (const s of samples) {
    const list = samplesOf.get(s.group_key!) ?? [];
    list.push(s.from_account_id);
    samplesOf.set(s.group_key!, list);
  }
  const out = new Map<string, GroupData>();
  for (const t of totals) {
    if (!t.group_key) continue;
    out.set(t.group_key, {
      maxId: t.max_id,
      count: Number(t.n),
      samples: samplesOf.get(t.group_key) ?? [],
      minId: minOf.get(t.group_key) ?? null,
      latestAt: timeOf.get(t.max_id) ?? "",
    });
  }
  return out;
}
