import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { newId, nowIso } from "./ids.ts";
import { canView } from "./visibility.ts";

/** Bookmarks are private to their owner and never federate. */
export async function bookmark(ctx: Ctx, accountId: string, statusId: string): Promise<"created" | "exists"> {
  const status = await ctx.db.selectFrom("statuses").selectAll().where("id", "=", statusId).executeTakeFirst();
  if (!status || status.reblog_of_id || !(await canView(ctx.db, status, accountId))) {
    throw new DomainError("not_found", "Record not found");
  }
  const inserted = await ctx.db
    .insertInto("bookmarks")
    .values({ id: newId(), account_id: accountId, status_id: statusId, created_at: nowIso() })
    .onConflict((oc) => oc.columns(["account_id", "status_id"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted ? "created" : "exists";
}

export async function unbookmark(ctx: Ctx, accountId: string, statusId: string): Promise<"removed" | "absent"> {
  const result = await ctx.db
    .deleteFrom("bookmarks")
    .where("account_id", "=", accountId)
    .where("status_id", "=", statusId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0 ? "removed" : "absent";
}
