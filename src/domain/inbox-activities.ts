import type { Db, Tx } from "../db/index.ts";
import type { Ctx } from "./context.ts";
import { nowIso } from "./ids.ts";

/**
 * Records that an inbound activity is being applied. Call it inside the transaction that
 * applies the activity: a redelivery (to the same or another inbox, even concurrently)
 * finds the row and gets `false`, and a rollback releases the id for the retry.
 */
export async function claimActivity(db: Db | Tx, activityId: string): Promise<boolean> {
  const result = await db
    .insertInto("inbox_activities")
    .values({ activity_id: activityId, received_at: nowIso() })
    .onConflict((oc) => oc.column("activity_id").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * Forgets ids older than `days`: peers retry for a day or two at most, so an id
 * that old will not come back.
 */
export async function pruneInboxActivities(ctx: Ctx, days = 14): Promise<number> {
  const cutoff = new Date(Date.now() - days * 86_400_000).toISOString();
  const result = await ctx.db.deleteFrom("inbox_activities").where("received_at", "<", cutoff).executeTakeFirst();
  return Number(result.numDeletedRows ?? 0n);
}

/** A cheap look before doing network work for an activity that was already applied. */
export async function isActivityApplied(db: Db | Tx, activityId: string): Promise<boolean> {
  const row = await db
    .selectFrom("inbox_activities")
    .select("activity_id")
    .where("activity_id", "=", activityId)
    .executeTakeFirst();
  return !!row;
}
