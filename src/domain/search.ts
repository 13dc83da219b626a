import { sql } from "kysely";
import type { Ctx } from "./context.ts";
import { normaliseTag } from "./tags.ts";
import { visibleTo } from "./visibility.ts";

/*
 * Search over what is stored here. Accounts match by username or display-name prefix (or an
 * exact handle), hashtags by name prefix. Statuses match by a plain case-insensitive substring
 * over their text, limited to what the viewer may see: simple and index-free, good enough
 * until a real full-text index is worth its keep.
 */

export interface SearchWindow {
  limit: number;
  offset: number;
}

/** `%`, `_` and the escape character itself match literally. */
function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

export async function searchAccounts(
  ctx: Ctx,
  query: string,
  opts: SearchWindow & { viewerId: string | null; following?: boolean },
): Promise<string[]> {
  const q = query.trim().replace(/^@/, "");
  if (!q) return [];
  const [username, domain] = q.split("@");
  const prefix = `${likeEscape(username.toLowerCase())}%`;
  let sel = ctx.db
    .selectFrom("accounts")
    .select("accounts.id")
    .where("accounts.deleted_at", "is", null);
  if (domain !== undefined) {
    // A full handle: that account only (local when the domain is ours).
    const local = domain.toLowerCase() === ctx.config.url.host.toLowerCase();
    sel = sel.where(sql<string>`lower(accounts.username)`, "=", username.toLowerCase());
    sel = local ? sel.where("accounts.domain", "is", null) : sel.where(sql<string>`lower(accounts.domain)`, "=", domain.toLowerCase());
  } else {
    sel = sel.where((eb) =>
      eb.or([
        eb(sql<string>`lower(accounts.username)`, "like", sql<string>`${prefix} ESCAPE '\\'`),
        eb(sql<string>`lower(accounts.display_name)`, "like", sql<string>`${prefix} ESCAPE '\\'`),
      ]),
    );
  }
  if (opts.following && opts.viewerId) {
    const viewer = opts.viewerId;
    sel = sel.where((eb) =>
      eb.exists(
        eb.selectFrom("follows").select(sql`1`.as("x")).where("follows.account_id", "=", viewer).whereRef("follows.target_account_id", "=", "accounts.id"),
      ),
    );
  }
  const rows = await sel
    // Exact username first, then local accounts, then the most followed.
    .orderBy(sql`CASE WHEN lower(accounts.username) = ${username.toLowerCase()} THEN 0 ELSE 1 END`)
    .orderBy(sql`CASE WHEN accounts.domain IS NULL THEN 0 ELSE 1 END`)
    .orderBy("accounts.followers_count", "desc")
    .orderBy("accounts.id")
    .limit(opts.limit)
    .offset(opts.offset)
    .execute();
  return rows.map((r) => r.id);
}

export async function searchHashtags(ctx: Ctx, query: string, opts: SearchWindow): Promise<string[]> {
  const name = normaliseTag(query.trim());
  if (!name) return [];
  const rows = await ctx.db
    .selectFrom("tags")
    .select("id")
    .where("name", "like", sql<string>`${`${likeEscape(name)}%`} ESCAPE '\\'`)
    .orderBy(sql`CASE WHEN name = ${name} THEN 0 ELSE 1 END`)
    .orderBy("name")
    .limit(opts.limit)
    .offset(opts.offset)
    .execute();
  return rows.map((r) => r.id);
}

/** Statuses whose text contains the query, newest first, among those the viewer may see. */
export async function searchStatuses(
  ctx: Ctx,
  query: string,
  opts: SearchWindow & { viewerId: string; accountId?: string | null },
): Promise<string[]> {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const pattern = `%${likeEscape(q)}%`;
  let sel = ctx.db
    .selectFrom("statuses")
    .select("statuses.id")
    .where("statuses.deleted_at", "is", null)
    .where("statuses.reblog_of_id", "is", null)
    .where((eb) =>
      eb.or([
        eb(sql<string>`lower(coalesce(statuses.text, statuses.content))`, "like", sql<string>`${pattern} ESCAPE '\\'`),
        eb(sql<string>`lower(statuses.spoiler_text)`, "like", sql<string>`${pattern} ESCAPE '\\'`),
      ]),
    )
    .where((eb) => visibleTo(eb, opts.viewerId));
  if (opts.accountId) sel = sel.where("statuses.account_id", "=", opts.accountId);
  const rows = await sel.orderBy("statuses.id", "desc").limit(opts.limit).offset(opts.offset).execute();
  return rows.map((r) => r.id);
}

export async function loadTags(ctx: Ctx, ids: readonly string[]) {
  if (!ids.length) return [];
  const rows = await ctx.db.selectFrom("tags").selectAll().where("id", "in", [...ids]).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** A local status by its URI or its web URL, as someone might paste either into search. */
export async function findLocalStatusByUrl(ctx: Ctx, url: string): Promise<string | null> {
  const row = await ctx.db
    .selectFrom("statuses")
    .select("id")
    .where((eb) => eb.or([eb("uri", "=", url), eb("url", "=", url)]))
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return row?.id ?? null;
}
