import { enqueueJob } from "../jobs/outbox.ts";
import type { Ctx } from "./context.ts";
import { pruneInboxActivities } from "./inbox-activities.ts";

const DAY_MS = 86_400_000;
const KIND = "maintenance.daily";

/**
 * Housekeeping that keeps tables from growing without bound: remembered inbound activity ids,
 * spent OAuth codes. Runs once a day from the queue and schedules its next run first, so a
 * crash mid-way loses nothing but that day's pass.
 */
export async function runDailyMaintenance(ctx: Ctx): Promise<void> {
  await enqueueJob(ctx.db, { kind: KIND }, new Date(Date.now() + DAY_MS));
  const activities = await pruneInboxActivities(ctx);
  const codes = await ctx.db
    .deleteFrom("oauth_codes")
    .where("expires_at", "<", new Date(Date.now() - DAY_MS).toISOString())
    .executeTakeFirst();
  // Mastodon honours an Idempotency-Key for an hour; a day is generous.
  const keys = await ctx.db
    .deleteFrom("idempotency_keys")
    .where("created_at", "<", new Date(Date.now() - DAY_MS).toISOString())
    .executeTakeFirst();
  ctx.log.info(
    { activities, oauthCodes: Number(codes.numDeletedRows ?? 0n), idempotencyKeys: Number(keys.numDeletedRows ?? 0n) },
    "daily maintenance done",
  );
}

/** Called at worker start: makes sure one daily run is scheduled. */
export async function scheduleDailyMaintenance(ctx: Ctx): Promise<void> {
  const pending = await ctx.db
    .selectFrom("jobs")
    .select("id")
    .where("queue", "=", "weft")
    .where("payload", "=", JSON.stringify({ kind: KIND }))
    .executeTakeFirst();
  if (!pending) await enqueueJob(ctx.db, { kind: KIND }, new Date(Date.now() + 60_000));
}
