import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { rejectFollowRequest, relationship, removeFromFollowers, unfollowAccount } from "./follows.ts";
import type { RelationshipView } from "./hydrate.ts";
import { newId, nowIso } from "./ids.ts";

/*
 * Blocks and mutes by local accounts. A block ends follows and follow requests both ways
 * (through follows.ts, so the remote side hears an Undo or a Reject) and takes the blocked
 * account's posts out of the blocker's home timeline. The Block activity itself is not sent
 * yet: jobs/outbox.ts has no Block in its vocabulary.
 */

async function target(ctx: Ctx, accountId: string, targetId: string): Promise<void> {
  if (accountId === targetId) throw new DomainError("forbidden", "This action is not allowed");
  const row = await ctx.db
    .selectFrom("accounts")
    .select("id")
    .where("id", "=", targetId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!row) throw new DomainError("not_found", "Record not found");
}

export async function blockAccount(ctx: Ctx, accountId: string, targetId: string): Promise<RelationshipView> {
  await target(ctx, accountId, targetId);
  await unfollowAccount(ctx, accountId, targetId);
  await removeFromFollowers(ctx, accountId, targetId);
  await rejectFollowRequest(ctx, accountId, targetId).catch((err) => {
    if (!(err instanceof DomainError && err.code === "not_found")) throw err;
  });
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto("blocks")
      .values({ id: newId(), account_id: accountId, target_account_id: targetId, uri: null, created_at: nowIso() })
      .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doNothing())
      .execute();
    await tx.deleteFrom("home_feed").where("account_id", "=", accountId).where("author_id", "=", targetId).execute();
    await tx.deleteFrom("notifications").where("account_id", "=", accountId).where("from_account_id", "=", targetId).execute();
  });
  return relationship(ctx, accountId, targetId);
}

export async function unblockAccount(ctx: Ctx, accountId: string, targetId: string): Promise<RelationshipView> {
  await target(ctx, accountId, targetId);
  await ctx.db.deleteFrom("blocks").where("account_id", "=", accountId).where("target_account_id", "=", targetId).execute();
  return relationship(ctx, accountId, targetId);
}

export interface MuteOptions {
  /** also hide their notifications (default true, as on Mastodon) */
  notifications?: boolean;
  /** seconds; 0 or absent: until unmuted */
  duration?: number;
}

export async function muteAccount(ctx: Ctx, accountId: string, targetId: string, options: MuteOptions = {}): Promise<RelationshipView> {
  await target(ctx, accountId, targetId);
  const hide = options.notifications === false ? 0 : 1;
  const expiresAt = options.duration && options.duration > 0 ? new Date(Date.now() + options.duration * 1000).toISOString() : null;
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto("mutes")
      .values({ id: newId(), account_id: accountId, target_account_id: targetId, hide_notifications: hide, expires_at: expiresAt, created_at: nowIso() })
      .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doUpdateSet({ hide_notifications: hide, expires_at: expiresAt }))
      .execute();
    await tx.deleteFrom("home_feed").where("account_id", "=", accountId).where("author_id", "=", targetId).execute();
  });
  return relationship(ctx, accountId, targetId);
}

export async function unmuteAccount(ctx: Ctx, accountId: string, targetId: string): Promise<RelationshipView> {
  await target(ctx, accountId, targetId);
  await ctx.db.deleteFrom("mutes").where("account_id", "=", accountId).where("target_account_id", "=", targetId).execute();
  return relationship(ctx, accountId, targetId);
}
