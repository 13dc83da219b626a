import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestDb, testDialect } from "../helpers/db.ts";
import { domainCtx, jobs } from "./support.ts";
import { runDailyMaintenance, scheduleDailyMaintenance } from "../../src/domain/maintenance.ts";
import { claimActivity } from "../../src/domain/inbox-activities.ts";

test(`daily maintenance forgets old inbound activity ids, keeps recent ones, and schedules itself once (${testDialect()})`, async () => {
  const t = await createTestDb();
  const ctx = domainCtx(t);
  try {
    await claimActivity(ctx.db, "https://remote.test/activities/recent");
    await ctx.db.insertInto("inbox_activities").values({ activity_id: "https://remote.test/activities/old", received_at: new Date(Date.now() - 30 * 86_400_000).toISOString() }).execute();
    await scheduleDailyMaintenance(ctx);
    await scheduleDailyMaintenance(ctx);
    assert.equal((await jobs(ctx)).filter((j) => j.kind === "maintenance.daily").length, 1, "one run scheduled, however often the worker starts");
    await runDailyMaintenance(ctx);
    const left = await ctx.db.selectFrom("inbox_activities").select("activity_id").execute();
    assert.deepEqual(left.map((r) => r.activity_id), ["https://remote.test/activities/recent"]);
    assert.equal(await claimActivity(ctx.db, "https://remote.test/activities/recent"), false, "a recent redelivery is still recognised");
  } finally {
    await t.drop();
  }
});
