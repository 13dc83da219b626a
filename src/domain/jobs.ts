import type { JobRegistry } from "../jobs/worker.ts";
import type { Ctx } from "./context.ts";
import { fanOutStatus } from "./fanout.ts";
import { closePoll } from "./polls.ts";
import { runDailyMaintenance } from "./maintenance.ts";
import { attachCard } from "./cards.ts";
import { publishScheduledStatus, PUBLISH_JOB } from "./scheduled-statuses.ts";

/** The follow-up work domain/ itself records (see enqueueJob); federation/ registers "deliver". */
export function registerDomainJobs(ctx: Ctx, jobs: JobRegistry): void {
  jobs.register("fanout.status", async (job) => {
    await fanOutStatus(ctx, String(job.statusId));
  });
  jobs.register("poll.expire", async (job) => {
    await closePoll(ctx, String(job.pollId));
  });
  jobs.register("maintenance.daily", () => runDailyMaintenance(ctx));
  jobs.register("card.fetch", async (job) => {
    await attachCard(ctx, String(job.statusId), String(job.url));
  });
  jobs.register(PUBLISH_JOB, async (job) => {
    await publishScheduledStatus(ctx, String(job.scheduledStatusId));
  });
}
