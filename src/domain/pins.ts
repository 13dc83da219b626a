import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { newId, normaliseId, nowIso } from "./ids.ts";
import type { Page } from "./pagination.ts";
import { inTx } from "./tx.ts";
import { visibleTo } from "./visibility.ts";

/*
 * Pinned posts, shown first on a profile and served as the actor's `featured` collection.
 * The rules are Mastodon's (StatusPinValidator): only your own posts, not boosts, not direct
 * ones, at most five. Private posts may be pinned; only followers then see the pin.
 */

export const MAX_PINS = 5;

/** Visibilities whose posts can be pinned (and show a `pinned` flag to their author). */
export const PINNABLE: ReadonlySet<string> = new Set(["public", "unlisted", "private"]);

export async function pinStatus(ctx: Ctx, accountId: string, statusId: string): Promise<void> {
  await inTx(ctx, async (tx) => {
    const status = await tx.selectFrom("statuses").selectAll().where("id", "=", statusId).where("deleted_at", "is", null).executeTakeFirst();
    if (!status) throw new DomainError("not_found", "Record not found");
    if (status.reblog_of_id) throw new DomainError("invalid", "Boosts cannot be pinned");
    if (status.account_id !== accountId) throw new DomainError("invalid", "Post that belongs to someone else cannot be pinned");
    if (!PINNABLE.has(status.visibility)) throw new DomainError("invalid", "Posts that are only visible to mentioned users cannot be pinned");
    const existing = await tx
      .selectFrom("status_pins")
      .select("id")
      .where("account_id", "=", accountId)
      .where("status_id", "=", statusId)
      .executeTakeFirst();
    if (existing) return;
    const count = await tx
      .selectFrom("status_pins")
      .innerJoin("statuses", "statuses.id", "status_pins.status_id")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("status_pins.account_id", "=", accountId)
      .where("statuses.deleted_at", "is", null)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_PINS) throw new DomainError("invalid", "You have already pinned the maximum number of posts");
    await tx
      .insertInto("status_pins")
      .values({ id: newId(), account_id: accountId, status_id: statusId, created_at: nowIso() })
      .onConflict((oc) => oc.columns(["account_id", "status_id"]).doNothing())
      .execute();
  });
}

/** Unpinning what is not pinned is not an error, as on Mastodon. */
export async function unpinStatus(ctx: Ctx, accountId: string, statusId: string): Promise<void> {
  await ctx.db.deleteFrom("status_pins").where("account_id", "=", accountId).where("status_id", "=", statusId).execute();
}

/**
 * The account's pinned posts that `viewerId` may see, most recently pinned first (Mastodon's
 * order). Paging parameters narrow by status id, as Mastodon applies them to this list too.
 */
export async function pinnedStatusIds(ctx: Ctx, accountId: string, viewerId: string | null, page?: Page): Promise<string[]> {
  let q = ctx.db
    .selectFrom("status_pins")
    .innerJoin("statuses", "statuses.id", "status_pins.status_id")
    .select("statuses.id")
    .where("status_pins.account_id", "=", accountId)
    .where("statuses.account_id", "=", accountId)
    .where("statuses.deleted_at", "is", null)
    .where((eb) => visibleTo(eb, viewerId));
  if (page?.maxId) q = q.where("statuses.id", "<", normaliseId(page.maxId));
  if (page?.sinceId) q = q.where("statuses.id", ">", normaliseId(page.sinceId));
  if (page?.minId) q = q.where("statuses.id", ">", normaliseId(page.minId));
  const rows = await q.orderBy("status_pins.created_at", "desc").orderBy("status_pins.id", "desc").limit(page?.limit ?? MAX_PINS * 2).execute();
  return rows.map((r) => r.id);
}

/** The public and unlisted pinned posts of a local account, for its ActivityPub `featured` collection. */
export async function featuredStatusIds(ctx: Ctx, accountId: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom("status_pins")
    .innerJoin("statuses", "statuses.id", "status_pins.status_id")
    .select("statuses.id")
    .where("status_pins.account_id", "=", accountId)
    .where("statuses.account_id", "=", accountId)
    .where("statuses.deleted_at", "is", null)
    .where("statuses.visibility", "in", ["public", "unlisted"])
    .orderBy("status_pins.created_at", "desc")
    .orderBy("status_pins.id", "desc")
    .execute();
  return rows.map((r) => r.id);
}

/** Which of `statusIds` the viewer has pinned. */
export async function pinnedAmong(ctx: Ctx, viewerId: string, statusIds: readonly string[]): Promise<Set<string>> {
  if (!statusIds.length) return new Set();
  const rows = await ctx.db
    .selectFrom("status_pins")
    .select("status_id")
    .where("account_id", "=", viewerId)
    .where("status_id", "in", [...statusIds])
    .execute();
  return new Set(rows.map((r) => r.status_id));
}
