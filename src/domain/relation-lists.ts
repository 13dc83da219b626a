import type { Ctx } from "./context.ts";
import { applyPage, pageResult, type Page } from "./pagination.ts";

/*
 * Lists paged by the id of a relation row rather than of the thing listed: who favourited or
 * boosted a status, followers, bookmarks… As on Mastodon, `keys` (the relation ids, in display
 * order) are what max_id/min_id refer to, so the API builds its Link header from them.
 */
export interface KeyedPage {
  /** account or status ids, newest relation first */
  ids: string[];
  /** the relation ids the page was cut by, aligned with `ids` */
  keys: string[];
}

function keyed(rows: Array<{ key: string; id: string }>, page: Page): KeyedPage {
  const ordered = pageResult(rows, page);
  return { ids: ordered.map((r) => r.id), keys: ordered.map((r) => r.key) };
}

export async function favouritedBy(ctx: Ctx, statusId: string, page: Page): Promise<KeyedPage> {
  const q = ctx.db
    .selectFrom("favourites")
    .innerJoin("accounts", "accounts.id", "favourites.account_id")
    .select(["favourites.id as key", "favourites.account_id as id"])
    .where("favourites.status_id", "=", statusId)
    .where("accounts.deleted_at", "is", null);
  return keyed(await applyPage(q, "favourites.id", page).execute(), page);
}

export async function rebloggedBy(ctx: Ctx, statusId: string, page: Page): Promise<KeyedPage> {
  const q = ctx.db
    .selectFrom("statuses")
    .innerJoin("accounts", "accounts.id", "statuses.account_id")
    .select(["statuses.id as key", "statuses.account_id as id"])
    .where("statuses.reblog_of_id", "=", statusId)
    .where("statuses.deleted_at", "is", null)
    .where("accounts.deleted_at", "is", null);
  return keyed(await applyPage(q, "statuses.id", page).execute(), page);
}

export async function followersOf(ctx: Ctx, accountId: string, page: Page): Promise<KeyedPage> {
  const q = ctx.db
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.account_id")
    .select(["follows.id as key", "follows.account_id as id"])
    .where("follows.target_account_id", "=", accountId)
    .where("accounts.deleted_at", "is", null);
  return keyed(await applyPage(q, "follows.id", page).execute(), page);
}

export async function followingOf(ctx: Ctx, accountId: string, page: Page): Promise<KeyedPage> {
  const q = ctx.db
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.target_account_id")
    .select(["follows.id as key", "follows.target_account_id as id"])
    .where("follows.account_id", "=", accountId)
    .where("accounts.deleted_at", "is", null);
  return keyed(await applyPage(q, "follows.id", page).execute(), page);
}

export async function followRequestsTo(ctx: Ctx, accountId: string, page: Page): Promise<KeyedPage> {
  const q = ctx.db
    .selectFrom("follow_requests")
    .innerJoin("accounts", "accounts.id", "follow_requests.account_id")
    .select(["follow_requests.id as key", "follow_requests.account_id as id"])
    .where("follow_requests.target_account_id", "=", accountId)
    .where("accounts.deleted_at", "is", null);
  return keyed(await applyPage(q, "follow_requests.id", page).execute(), page);
}

export async function blockedBy(ctx: Ctx, accountId: string, page: Page): Promise<KeyedPage> {
  const q = ctx.db
    .selectFrom("blocks")
    .select(["blocks.id as key", "blocks.target_account_id as id"])
    .where("blocks.account_id", "=", accountId);
  return keyed(await applyPage(q, "blocks.id", page).execute(), page);
}

export async function mutedBy(ctx: Ctx, accountId: string, page: Page): Promise<KeyedPage> {
  const q = ctx.db
    .selectFrom("mutes")
    .select(["mutes.id as key", "mutes.target_account_id as id"])
    .where("mutes.account_id", "=", accountId)
    .where((eb) => eb.or([eb("mutes.expires_at", "is", null), eb("mutes.expires_at", ">", new Date().toISOString())]));
  return keyed(await applyPage(q, "mutes.id", page).execute(), page);
}

/** The account's bookmarks, newest first; statuses since deleted drop out. */
export async function bookmarkedStatuses(ctx: Ctx, accountId: string, page: Page): Promise<KeyedPage> {
  const q = ctx.db
    .selectFrom("bookmarks")
    .innerJoin("statuses", "statuses.id", "bookmarks.status_id")
    .select(["bookmarks.id as key", "bookmarks.status_id as id"])
    .where("bookmarks.account_id", "=", accountId)
    .where("statuses.deleted_at", "is", null);
  return keyed(await applyPage(q, "bookmarks.id", page).execute(), page);
}

/** The account's favourites, newest first; statuses since deleted drop out. */
export async function favouritedStatuses(ctx: Ctx, accountId: string, page: Page): Promise<KeyedPage> {
  const q = ctx.db
    .selectFrom("favourites")
    .innerJoin("statuses", "statuses.id", "favourites.status_id")
    .select(["favourites.id as key", "favourites.status_id as id"])
    .where("favourites.account_id", "=", accountId)
    .where("statuses.deleted_at", "is", null);
  return keyed(await applyPage(q, "favourites.id", page).execute(), page);
}
