import { sql } from "kysely";
import type { Ctx } from "./context.ts";

/*
 * What a server tells the world about itself beyond /api/v2/instance: the servers it knows
 * (peers) and its weekly activity over the last 12 weeks.
 */

const DAY_MS = 24 * 3600 * 1000;
export const ACTIVITY_WEEKS = 12;

/** Domains of the remote accounts this server knows, sorted. */
export async function knownPeers(ctx: Ctx): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom("accounts")
    .select("domain")
    .distinct()
    .where("domain", "is not", null)
    .where("deleted_at", "is", null)
    .orderBy("domain")
    .execute();
  return [...new Set(rows.map((r) => r.domain!.toLowerCase()))];
}

export interface WeekActivity {
  /** start of the week (midnight UTC), Unix seconds */
  week: number;
  statuses: number;
  logins: number;
  registrations: number;
}

/**
 * The last 12 weeks, newest first, as Mastodon bins them: week 0 starts at midnight today and
 * each earlier week seven days before the next. Statuses are local posts written (boosts not
 * counted, later deletions still counted); logins are distinct accounts that signed in to an app
 * (an OAuth token issued) that week; registrations are local sign-ups.
 */
export async function weeklyActivity(ctx: Ctx, now: number = Date.now()): Promise<WeekActivity[]> {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const starts = Array.from({ length: ACTIVITY_WEEKS }, (_, i) => today - i * 7 * DAY_MS);
  const since = new Date(starts[starts.length - 1]).toISOString();
  const day = sql<string>`substr(created_at, 1, 10)`;
  const [statuses, registrations, logins] = await Promise.all([
    ctx.db
      .selectFrom("statuses")
      .select([day.as("day"), (eb) => eb.fn.countAll<string | number>().as("n")])
      .where("local", "=", 1)
      .where("reblog_of_id", "is", null)
      .where("created_at", ">=", since)
      .groupBy(day)
      .execute(),
    ctx.db
      .selectFrom("users")
      .select([day.as("day"), (eb) => eb.fn.countAll<string | number>().as("n")])
      .where("created_at", ">=", since)
      .groupBy(day)
      .execute(),
    ctx.db
      .selectFrom("oauth_tokens")
      .select(["account_id", day.as("day")])
      .distinct()
      .where("account_id", "is not", null)
      .where("created_at", ">=", since)
      .execute(),
  ]);
  const weekOf = (isoDay: string) => {
    const t = Date.parse(`${isoDay}T00:00:00Z`);
    return starts.findIndex((start) => t >= start && t < start + 7 * DAY_MS);
  };
  const out = starts.map((start) => ({ week: start / 1000, statuses: 0, logins: 0, registrations: 0 }));
  for (const r of statuses) {
    const i = weekOf(r.day);
    if (i >= 0) out[i].statuses += Number(r.n);
  }
  for (const r of registrations) {
    const i = weekOf(r.day);
    if (i >= 0) out[i].registrations += Number(r.n);
  }
  const seen = starts.map(() => new Set<string>());
  for (const r of logins) {
    const i = weekOf(r.day);
    if (i >= 0) seen[i].add(r.account_id!);
  }
  seen.forEach((accounts, i) => (out[i].logins = accounts.size));
  return out;
}
