import { enqueueJob } from "../jobs/outbox.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { relationship, severFollows } from "./follows.ts";
import type { RelationshipView } from "./hydrate.ts";
import { newId, nowIso } from "./ids.ts";
import { claimActivity } from "./inbox-activities.ts";
import { inTx } from "./tx.ts";

/*
 * Blocks and mutes. A block by a local account ends follows and follow requests both ways (the
 * remote side hears an Undo or a Reject), takes the blocked account's posts out of the blocker's
 * home timeline and, when the blocked account is remote, sends it a Block (Undo(Block) on
 * unblock), all queued in the same transaction as the change.
 *
 * A Block from a remote account against a local one is kept the same way, as a blocks row with
 * the remote as account_id: follows end both ways (nothing is sent back), the local account can
 * no longer follow it, and what the remote does no longer notifies the local account.
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
  await inTx(ctx, async (tx) => {
    const me = await tx.selectFrom("accounts").selectAll().where("id", "=", accountId).where("deleted_at", "is", null).executeTakeFirst();
    const them = await tx.selectFrom("accounts").selectAll().where("id", "=", targetId).executeTakeFirst();
    if (!me || me.domain !== null || !them) throw new DomainError("not_found", "Record not found");
    await severFollows(tx, accountId, targetId, { tell: true });
    const id = newId();
    const uri = `${me.uri}#blocks/${id}`;
    const inserted = await tx
      .insertInto("blocks")
      .values({ id, account_id: accountId, target_account_id: targetId, uri, created_at: nowIso() })
      .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doNothing())
      .executeTakeFirst();
    await tx.deleteFrom("home_feed").where("account_id", "=", accountId).where("author_id", "=", targetId).execute();
    await tx.deleteFrom("notifications").where("account_id", "=", accountId).where("from_account_id", "=", targetId).execute();
    const isNew = Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
    if (isNew && them.domain !== null && me.federating === 1) {
      await enqueueJob(tx, { kind: "deliver", activity: { type: "Block", accountId, targetAccountId: targetId, uri } });
    }
  });
  return relationship(ctx, accountId, targetId);
}

export async function unblockAccount(ctx: Ctx, accountId: string, targetId: string): Promise<RelationshipView> {
  await target(ctx, accountId, targetId);
  await inTx(ctx, async (tx) => {
    const removed = await tx
      .deleteFrom("blocks")
      .where("account_id", "=", accountId)
      .where("target_account_id", "=", targetId)
      .returningAll()
      .executeTakeFirst();
    if (!removed) return;
    const me = await tx.selectFrom("accounts").selectAll().where("id", "=", accountId).executeTakeFirst();
    const them = await tx.selectFrom("accounts").select("domain").where("id", "=", targetId).executeTakeFirst();
    if (!me || me.domain !== null || me.federating !== 1 || them?.domain == null) return;
    // Blocks made before Blocks were sent have no uri; the id they would have had names them.
    const uri = removed.uri ?? `${me.uri}#blocks/${removed.id}`;
    await enqueueJob(tx, { kind: "deliver", activity: { type: "UndoBlock", accountId, targetAccountId: targetId, uri } });
  });
  return relationship(ctx, accountId, targetId);
}

// ---------------------------------------------------------------------------------------------
// Inbound: a remote account blocks, or stops blocking, a local one. Each applies its activity once.

export async function receiveBlock(
  ctx: Ctx,
  input: { blockerId: string; targetId: string; uri: string; activityId: string },
): Promise<"blocked" | "ignored" | "duplicate"> {
  return inTx(ctx, async (tx) => {
    if (!(await claimActivity(tx, input.activityId))) return "duplicate";
    const local = await tx
      .selectFrom("accounts")
      .select(["id", "domain"])
      .where("id", "=", input.targetId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!local || local.domain !== null || input.blockerId === input.targetId) return "ignored";
    await severFollows(tx, input.blockerId, input.targetId, { tell: false });
    await tx
      .insertInto("blocks")
      .values({ id: newId(), account_id: input.blockerId, target_account_id: input.targetId, uri: input.uri, created_at: nowIso() })
      .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doUpdateSet({ uri: input.uri }))
      .execute();
    return "blocked";
  });
}

/**
 * Undo(Block) from `blockerId`, naming the Block by id or by its local target. The activity is
 * only claimed when a block matched, so an Undo of something else known only by id is still free
 * for the next handler to try.
 */
export async function receiveUnblock(
  ctx: Ctx,
  input: { blockerId: string; uri?: string | null; targetId?: string | null; activityId: string },
): Promise<"removed" | "unknown" | "duplicate"> {
  if (!input.uri && !input.targetId) return "unknown";
  return inTx(ctx, async (tx) => {
    const match = tx.selectFrom("blocks").select("id").where("account_id", "=", input.blockerId).where((eb) => {
      const ors = [];
      if (input.uri) ors.push(eb("uri", "=", input.uri));
      if (input.targetId) ors.push(eb("target_account_id", "=", input.targetId));
      return eb.or(ors);
    });
    const rows = await match.execute();
    if (!rows.length) return "unknown";
    if (!(await claimActivity(tx, input.activityId))) return "duplicate";
    await tx.deleteFrom("blocks").where("id", "in", rows.map((r) => r.id)).execute();
    return "removed";
  });
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
