import type { Ctx } from "./context.ts";
import { loadInstanceFacts } from "./hydrate.ts";

/** The numbers and names NodeInfo publishes, read from the same facts as /api/v1/instance. */
export interface NodeInfoStats {
  usersTotal: number;
  activeMonth: number;
  activeHalfyear: number;
  localPosts: number;
  openRegistrations: boolean;
  nodeName: string;
  nodeDescription: string;
}

export async function nodeInfoStats(ctx: Ctx): Promise<NodeInfoStats> {
  const [facts, activeMonth, activeHalfyear] = await Promise.all([
    loadInstanceFacts(ctx),
    activeSince(ctx, 30),
    activeSince(ctx, 180),
  ]);
  return {
    usersTotal: facts.userCount,
    activeMonth,
    activeHalfyear,
    localPosts: facts.statusCount,
    // As on Mastodon, sign-ups that wait for approval still count as open.
    openRegistrations: facts.registrationsMode !== "closed",
    nodeName: facts.title,
    nodeDescription: facts.shortDescription || facts.description,
  };
}

/** Users (of accounts still there) active within the last `days` days. */
async function activeSince(ctx: Ctx, days: number): Promise<number> {
  const since = new Date(Date.now() - days * 86_400_000).toISOString();
  const row = await ctx.db
    .selectFrom("users")
    .innerJoin("accounts", "accounts.id", "users.account_id")
    .select((eb) => eb.fn.countAll<string | number>().as("n"))
    .where("accounts.deleted_at", "is", null)
    .where("users.last_active_at", ">=", since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
