import type { Selectable } from "kysely";
import type { NotificationRequestTable } from "../db/schema.ts";
import type { Ctx } from "./context.ts";
import { nowIso } from "./ids.ts";
import { applyPage, pageResult, type Page } from "./pagination.ts";
import { inTx } from "./tx.ts";

/*
 * Notification requests: per sender, the notifications the recipient's policy filtered
 * (notification-policy.ts). Accepting one lets that sender through from then on and moves their
 * waiting notifications into the ordinary list; dismissing one deletes them.
 */

export type NotificationRequestRow = Selectable<NotificationRequestTable>;

/** Mastodon stops counting here (NotificationRequest::MAX_MEANINGFUL_COUNT). */
export const MAX_MEANINGFUL_COUNT = 100;

export interface NotificationRequestView {
  request: NotificationRequestRow;
  /** filtered notifications still waiting, at most MAX_MEANINGFUL_COUNT */
  count: number;
}

/** Filtered notifications waiting per sender, for the given senders (or all). */
async function waitingCounts(ctx: Ctx, accountId: string, fromIds?: string[]): Promise<Map<string, number>> {
  if (fromIds && !fromIds.length) return new Map();
  let q = ctx.db
    .selectFrom("notifications")
    .select(["from_account_id", (eb) => eb.fn.countAll<string | number>().as("n")])
    .where("account_id", "=", accountId)
    .where("filtered", "=", 1);
  if (fromIds) q = q.where("from_account_id", "in", fromIds);
  const rows = await q.groupBy("from_account_id").execute();
  return new Map(rows.map((r) => [r.from_account_id, Math.min(Number(r.n), MAX_MEANINGFUL_COUNT)]));
}

/** Requests with something still waiting, newest first, paged by request id. */
export async function listNotificationRequests(ctx: Ctx, accountId: string, page: Page): Promise<NotificationRequestView[]> {
  const q = ctx.db
    .selectFrom("notification_requests")
    .selectAll()
    .where("account_id", "=", accountId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("notifications")
          .select("notifications.id")
          .whereRef("notifications.account_id", "=", "notification_requests.account_id")
          .whereRef("notifications.from_account_id", "=", "notification_requests.from_account_id")
          .where("notifications.filtered", "=", 1),
      ),
    );
  const rows = pageResult(await applyPage(q, "id", page).execute(), page);
  const counts = await waitingCounts(ctx, accountId, rows.map((r) => r.from_account_id));
  return rows.map((request) => ({ request, count: counts.get(request.from_account_id) ?? 0 }));
}

export async function getNotificationRequest(ctx: Ctx, accountId: string, id: string): Promise<NotificationRequestView | null> {
  const request = await ctx.db.selectFrom("notification_requests").selectAll().where("id", "=", id).where("account_id", "=", accountId).executeTakeFirst();
  if (!request) return null;
  const count = (await waitingCounts(ctx, accountId, [request.from_account_id])).get(request.from_account_id) ?? 0;
  return count ? { request, count } : null;
}

/** Lets the senders of these requests through and moves their waiting notifications into the list. */
export async function acceptNotificationRequests(ctx: Ctx, accountId: string, ids: readonly string[]): Promise<number> {
  return settle(ctx, accountId, ids, "accept");
}

/** Deletes the waiting notifications of these requests, and the requests. */
export async function dismissNotificationRequests(ctx: Ctx, accountId: string, ids: readonly string[]): Promise<number> {
  return settle(ctx, accountId, ids, "dismiss");
}

async function settle(ctx: Ctx, accountId: string, ids: readonly string[], how: "accept" | "dismiss"): Promise<number> {
  if (!ids.length) return 0;
  return inTx(ctx, async (tx) => {
    const requests = await tx.selectFrom("notification_requests").selectAll().where("account_id", "=", accountId).where("id", "in", [...ids]).execute();
    const senders = requests.map((r) => r.from_account_id);
    if (!senders.length) return 0;
    if (how === "accept") {
      const now = nowIso();
      await tx
        .insertInto("notification_permissions")
        .values(senders.map((from) => ({ account_id: accountId, from_account_id: from, created_at: now })))
        .onConflict((oc) => oc.columns(["account_id", "from_account_id"]).doNothing())
        .execute();
      await tx
        .updateTable("notifications")
        .set({ filtered: 0 })
        .where("account_id", "=", accountId)
        .where("from_account_id", "in", senders)
        .where("filtered", "=", 1)
        .execute();
    } else {
      await tx.deleteFrom("notifications").where("account_id", "=", accountId).where("from_account_id", "in", senders).where("filtered", "=", 1).execute();
    }
    await tx.deleteFrom("notification_requests").where("id", "in", requests.map((r) => r.id)).execute();
    return requests.length;
  });
}

export interface PolicySummary {
  /** senders with filtered notifications waiting (at most MAX_MEANINGFUL_COUNT) */
  pendingRequests: number;
  /** filtered notifications waiting */
  pendingNotifications: number;
}

export async function notificationPolicySummary(ctx: Ctx, accountId: string): Promise<PolicySummary> {
  const counts = await waitingCounts(ctx, accountId);
  let pendingNotifications = 0;
  for (const n of counts.values()) pendingNotifications += n;
  return { pendingRequests: Math.min(counts.size, MAX_MEANINGFUL_COUNT), pendingNotifications };
}
