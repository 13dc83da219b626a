import { sql } from "kysely";
import type { Ctx } from "./context.ts";

/*
 * The profile directory (accounts that chose to be discoverable) and "familiar followers"
 * (people you follow who follow someone).
 */

export interface DirectoryQuery {
  order: "active" | "new";
  local: boolean;
  limit: number;
  offset: number;
}

export async function directoryAccounts(ctx: Ctx, q: DirectoryQuery): Promise<string[]> {
  let sel = ctx.db
    .selectFrom("accounts")
    .leftJoin("users", "users.account_id", "accounts.id")
    .select("accounts.id")
    .where("accounts.discoverable", "=", 1)
    .where("accounts.deleted_at", "is", null)
    // Local accounts waiting for approval are not shown; remote ones have no user row.
    .where((eb) => eb.or([eb("users.approved", "is", null), eb("users.approved", "=", 1)]));
  if (q.local) sel = sel.where("accounts.domain", "is", null);
  sel =
    q.order === "new"
      ? sel.orderBy("accounts.id", "desc")
      : sel
          .orderBy(sql`CASE WHEN accounts.last_status_at IS NULL THEN 1 ELSE 0 END`)
          .orderBy("accounts.last_status_at", "desc")
          .orderBy("accounts.id", "desc");
  const rows = await sel.limit(q.limit).offset(q.offset).execute();
  return rows.map((r) => r.id);
}

/** For each target, the accounts `viewerId` follows that follow it. */
export async function familiarFollowers(ctx: Ctx, viewerId: string, targetIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(targetIds.map((id) => [id, []]));
  if (!targetIds.length) return out;
  const rows = await ctx.db
    .selectFrom("follows as theirs")
    .innerJoin("follows as mine", "mine.target_account_id", "theirs.account_id")
    .innerJoin("accounts", "accounts.id", "theirs.account_id")
    .select(["theirs.target_account_id as target", "theirs.account_id as follower"])
    .where("mine.account_id", "=", viewerId)
    .where("theirs.target_account_id", "in", [...targetIds])
    .where("theirs.account_id", "!=", viewerId)
    .where("accounts.deleted_at", "is", null)
    .orderBy("theirs.id", "desc")
    .execute();
  for (const r of rows) out.get(r.target)?.push(r.follower);
  return out;
}
