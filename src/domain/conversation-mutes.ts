import { sql } from "kysely";
import type { Db, Tx } from "../db/index.ts";
import type { Ctx } from "./context.ts";
import { nowIso } from "./ids.ts";

/*
 * Muted threads (Mastodon's POST /statuses/:id/mute): the user hears nothing more about any
 * post of the thread — no mentions, replies, favourites, boosts, poll results or edits — while
 * the posts themselves stay visible. A thread is keyed by its root (statuses.conversation_id).
 */

/** The thread a status belongs to. */
export function threadOf(status: { id: string; conversation_id: string | null }): string {
  return status.conversation_id ?? status.id;
}

export async function muteConversation(ctx: Ctx, accountId: string, status: { id: string; conversation_id: string | null }): Promise<void> {
  await ctx.db
    .insertInto("conversation_mutes")
    .values({ account_id: accountId, conversation_id: threadOf(status), created_at: nowIso() })
    .onConflict((oc) => oc.columns(["account_id", "conversation_id"]).doNothing())
    .execute();
}

export async function unmuteConversation(ctx: Ctx, accountId: string, status: { id: string; conversation_id: string | null }): Promise<void> {
  await ctx.db
    .deleteFrom("conversation_mutes")
    .where("account_id", "=", accountId)
    .where("conversation_id", "=", threadOf(status))
    .execute();
}

/** Of these threads, the ones the account muted. */
export async function mutedThreadsAmong(db: Db | Tx, accountId: string, threadIds: readonly string[]): Promise<Set<string>> {
  if (!threadIds.length) return new Set();
  const rows = await db
    .selectFrom("conversation_mutes")
    .select("conversation_id")
    .where("account_id", "=", accountId)
    .where("conversation_id", "in", [...new Set(threadIds)])
    .execute();
  return new Set(rows.map((r) => r.conversation_id));
}

/** Whether a notification about `statusId` would be about a thread `accountId` muted. One query. */
export async function mutesThreadOf(db: Db | Tx, accountId: string, statusId: string): Promise<boolean> {
  const row = await db
    .selectFrom("conversation_mutes")
    .select("conversation_id")
    .where("account_id", "=", accountId)
    .where((eb) =>
      eb(
        "conversation_id",
        "=",
        eb.selectFrom("statuses").select(sql<string>`coalesce(statuses.conversation_id, statuses.id)`.as("thread")).where("statuses.id", "=", statusId),
      ),
    )
    .executeTakeFirst();
  return !!row;
}
