import type { Ctx } from "./context.ts";
import { nowIso } from "./ids.ts";

/**
 * Of `accountIds`, those whose posts `viewerId` must not be shown in a list of statuses:
 * blocked either way, or muted (mutes past their expiry no longer count). One query, so a
 * timeline page does not pay for a full relationship load (ten queries) to learn three flags.
 */
export async function silencedAmong(ctx: Ctx, viewerId: string, accountIds: readonly string[]): Promise<Set<string>> {
  if (!accountIds.length) return new Set();
  const ids = [...accountIds];
  const now = nowIso();
  const rows = await ctx.db
    .selectFrom("blocks")
    .select("target_account_id as id")
    .where("account_id", "=", viewerId)
    .where("target_account_id", "in", ids)
    .union(ctx.db.selectFrom("blocks").select("account_id as id").where("target_account_id", "=", viewerId).where("account_id", "in", ids))
    .union(
      ctx.db
        .selectFrom("mutes")
        .select("target_account_id as id")
        .where("account_id", "=", viewerId)
        .where("target_account_id", "in", ids)
        .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)])),
    )
    .execute();
  return new Set(rows.map((r) => r.id));
}
