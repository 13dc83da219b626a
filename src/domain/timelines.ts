import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import type { Database } from "../db/schema.ts";
import type { Ctx } from "./context.ts";
import { applyPage, pageResult, type Page } from "./pagination.ts";
import { visibleTo } from "./visibility.ts";
import { DomainError } from "./errors.ts";
import { canView } from "./visibility.ts";

/**
 * Timelines return status ids in display order; hydrate.ts turns them into views.
 * The home timeline is materialised (home_feed), so reading it is one indexed range scan.
 * Fan-out already applies the home rules; they are checked again here because exclusive lists
 * and domain blocks can change after a post entered the feed.
 */
export async function homeTimeline(ctx: Ctx, accountId: string, page: Page): Promise<string[]> {
  const q = applyPage(
    ctx.db
      .selectFrom("home_feed")
      .select("home_feed.status_id")
      .where("home_feed.account_id", "=", accountId)
      .where((eb) =>
        eb.and([
          // Members of an exclusive list are read in that list, not at home.
          eb.not(
            eb.exists(
              eb
                .selectFrom("list_accounts")
                .innerJoin("lists", "lists.id", "list_accounts.list_id")
                .select(sql`1`.as("x"))
                .where("lists.account_id", "=", accountId)
                .where("lists.exclusive", "=", 1)
                .whereRef("list_accounts.account_id", "=", "home_feed.author_id"),
            ),
          ),
          eb.not(onBlockedDomain(accountId, sql.ref("home_feed.author_id"))),
          // A boost of a post from a blocked server is as unwelcome as the post.
          eb.not(
            onBlockedDomain(accountId, sql`(SELECT boosted.account_id FROM statuses boost
              INNER JOIN statuses boosted ON boosted.id = boost.reblog_of_id WHERE boost.id = home_feed.status_id)`),
          ),
        ]),
      ),
    "home_feed.status_id",
    page,
  );
  return pageResult(await q.execute(), page).map((r) => r.status_id);
}

/** Whether the account is on a server `viewerId` blocks (domain blocks are stored lower-cased). */
function onBlockedDomain(viewerId: string, accountId: Expression<string | null>): Expression<SqlBool> {
  return sql<SqlBool>`EXISTS (SELECT 1 FROM accounts INNER JOIN domain_blocks ON domain_blocks.domain = lower(accounts.domain)
    WHERE domain_blocks.account_id = ${viewerId} AND accounts.id = ${accountId})`;
}

export interface PublicTimelineOptions {
  local?: boolean;
  remote?: boolean;
  onlyMedia?: boolean;
  viewerId: string | null;
}

export async function publicTimeline(ctx: Ctx, opts: PublicTimelineOptions, page: Page): Promise<string[]> {
  let q = ctx.db
    .selectFrom("statuses")
    .select("statuses.id")
    .where("statuses.visibility", "=", "public")
    .where("statuses.reblog_of_id", "is", null)
    .where("statuses.deleted_at", "is", null)
    // Replies to others stay out of the public timeline, as on Mastodon.
    .where((eb) => eb.or([eb("statuses.in_reply_to_id", "is", null), eb("statuses.in_reply_to_account_id", "=", eb.ref("statuses.account_id"))]));
  if (opts.local) q = q.where("statuses.local", "=", 1);
  if (opts.remote) q = q.where("statuses.local", "=", 0);
  if (opts.onlyMedia) {
    q = q.where((eb) => eb.exists(eb.selectFrom("media_attachments").select(sql`1`.as("x")).whereRef("media_attachments.status_id", "=", "statuses.id")));
  }
  if (opts.viewerId) { const v = opts.viewerId; q = q.where((eb) => notBlockedOrMuted(eb, v)); }
  return pageResult(await applyPage(q, "statuses.id", page).execute(), page).map((r) => r.id);
}

export interface AccountStatusesOptions {
  viewerId: string | null;
  onlyMedia?: boolean;
  excludeReplies?: boolean;
  excludeReblogs?: boolean;
  tagged?: string | null;
}

export async function accountStatuses(ctx: Ctx, accountId: string, opts: AccountStatusesOptions, page: Page): Promise<string[]> {
  let q = ctx.db
    .selectFrom("statuses")
    .select("statuses.id")
    .where("statuses.account_id", "=", accountId)
    .where("statuses.deleted_at", "is", null)
    .where((eb) => visibleTo(eb, opts.viewerId));
  if (opts.excludeReblogs) q = q.where("statuses.reblog_of_id", "is", null);
  if (opts.excludeReplies) {
    q = q.where((eb) => eb.or([eb("statuses.in_reply_to_id", "is", null), eb("statuses.in_reply_to_account_id", "=", accountId)]));
  }
  if (opts.onlyMedia) {
    q = q.where((eb) => eb.exists(eb.selectFrom("media_attachments").select(sql`1`.as("x")).whereRef("media_attachments.status_id", "=", "statuses.id")));
  }
  if (opts.tagged) {
    const tag = opts.tagged.replace(/^#/, "").toLowerCase();
    q = q.where((eb) =>
      eb.exists(
        eb.selectFrom("status_tags").innerJoin("tags", "tags.id", "status_tags.tag_id").select(sql`1`.as("x"))
          .whereRef("status_tags.status_id", "=", "statuses.id").where("tags.name", "=", tag),
      ),
    );
  }
  return pageResult(await applyPage(q, "statuses.id", page).execute(), page).map((r) => r.id);
}

export async function tagTimeline(ctx: Ctx, tag: string, opts: { local?: boolean; remote?: boolean; onlyMedia?: boolean; viewerId: string | null }, page: Page): Promise<string[]> {
  const name = tag.replace(/^#/, "").toLowerCase();
  let q = ctx.db
    .selectFrom("statuses")
    .innerJoin("status_tags", "status_tags.status_id", "statuses.id")
    .innerJoin("tags", "tags.id", "status_tags.tag_id")
    .select("statuses.id")
    .where("tags.name", "=", name)
    .where("statuses.visibility", "=", "public")
    .where("statuses.deleted_at", "is", null);
  if (opts.local) q = q.where("statuses.local", "=", 1);
  if (opts.remote) q = q.where("statuses.local", "=", 0);
  if (opts.onlyMedia) {
    q = q.where((eb) => eb.exists(eb.selectFrom("media_attachments").select(sql`1`.as("x")).whereRef("media_attachments.status_id", "=", "statuses.id")));
  }
  if (opts.viewerId) { const v = opts.viewerId; q = q.where((eb) => notBlockedOrMuted(eb, v)); }
  return pageResult(await applyPage(q, "statuses.id", page).execute(), page).map((r) => r.id);
}

function notBlockedOrMuted(eb: ExpressionBuilder<Database, "statuses">, viewerId: string) {
  return eb.and([
    eb.not(eb.exists(eb.selectFrom("blocks").select(sql`1`.as("x")).where("blocks.account_id", "=", viewerId).whereRef("blocks.target_account_id", "=", "statuses.account_id"))),
    eb.not(eb.exists(eb.selectFrom("mutes").select(sql`1`.as("x")).where("mutes.account_id", "=", viewerId).whereRef("mutes.target_account_id", "=", "statuses.account_id"))),
    eb.not(onBlockedDomain(viewerId, sql.ref("statuses.account_id"))),
  ]);
}

/**
 * A thread around one status: ancestors up to the root, then every descendant the viewer may
 * see, from every server, in conversation order.
 */
export async function statusContext(ctx: Ctx, statusId: string, viewerId: string | null): Promise<{ ancestors: string[]; descendants: string[] }> {
  const status = await ctx.db.selectFrom("statuses").selectAll().where("id", "=", statusId).executeTakeFirst();
  if (!status || !(await canView(ctx.db, status, viewerId))) throw new DomainError("not_found", "Record not found");
  const ancestors: string[] = [];
  let parentId = status.in_reply_to_id;
  for (let depth = 0; parentId && depth < 40; depth++) {
    const parent = await ctx.db.selectFrom("statuses").selectAll().where("id", "=", parentId).executeTakeFirst();
    if (!parent) break;
    if (await canView(ctx.db, parent, viewerId)) ancestors.unshift(parent.id);
    parentId = parent.in_reply_to_id;
  }
  const rows = await sql<{ id: string; in_reply_to_id: string | null }>`
    WITH RECURSIVE thread(id, in_reply_to_id, depth) AS (
      SELECT id, in_reply_to_id, 0 FROM statuses WHERE in_reply_to_id = ${statusId} AND deleted_at IS NULL
      UNION ALL
      SELECT s.id, s.in_reply_to_id, t.depth + 1 FROM statuses s JOIN thread t ON s.in_reply_to_id = t.id
      WHERE s.deleted_at IS NULL AND t.depth < 60
    )
    SELECT id, in_reply_to_id FROM thread LIMIT 4096`.execute(ctx.db);
  const candidateIds = rows.rows.map((r) => r.id);
  let visible = new Set<string>();
  if (candidateIds.length) {
    const ok = await ctx.db
      .selectFrom("statuses")
      .select("statuses.id")
      .where("statuses.id", "in", candidateIds)
      .where((eb) => visibleTo(eb, viewerId))
      .execute();
    visible = new Set(ok.map((r) => r.id));
  }
  // Depth-first, oldest reply first at each level: the order people read a thread in.
  const children = new Map<string, string[]>();
  for (const r of rows.rows) {
    if (!r.in_reply_to_id) continue;
    const list = children.get(r.in_reply_to_id) ?? [];
    list.push(r.id);
    children.set(r.in_reply_to_id, list);
  }
  const descendants: string[] = [];
  const walk = (id: string) => {
    for (const child of (children.get(id) ?? []).sort()) {
      if (!visible.has(child)) continue;
      descendants.push(child);
      walk(child);
    }
  };
  walk(statusId);
  return { ancestors, descendants };
}
