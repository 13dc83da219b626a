import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { getMarker } from "./markers.ts";
import { applyPage, pageResult, type Page } from "./pagination.ts";
import { normaliseId } from "./ids.ts";

/** What a recipient reads from their notifications: listing, counting, dismissing. */
export interface NotificationFilter {
  types?: string[];
  excludeTypes?: string[];
  /** only those from this account */
  fromAccountId?: string | null;
  /** also those the recipient's notification policy filtered (always, when fromAccountId is given) */
  includeFiltered?: boolean;
}

function filtered(ctx: Ctx, accountId: string, filter: NotificationFilter) {
  let q = ctx.db.selectFrom("notifications").select("notifications.id").where("notifications.account_id", "=", accountId);
  if (filter.types?.length) q = q.where("notifications.type", "in", filter.types);
  if (filter.excludeTypes?.length) q = q.where("notifications.type", "not in", filter.excludeTypes);
  if (filter.fromAccountId) q = q.where("notifications.from_account_id", "=", filter.fromAccountId);
  // As Mastodon's `browserable`: what the policy filtered waits in notification requests.
  if (!filter.includeFiltered && !filter.fromAccountId) q = q.where("notifications.filtered", "=", 0);
  return q;
}

/** The recipient's notifications a listing may show, for the grouped listing (notification-groups.ts). */
export { filtered as browsableNotifications };

/** Notification ids in display order (newest first). */
export async function listNotificationIds(ctx: Ctx, accountId: string, filter: NotificationFilter, page: Page): Promise<string[]> {
  const rows = await applyPage(filtered(ctx, accountId, filter), "notifications.id", page).execute();
  return pageResult(rows, page).map((r) => r.id);
}

/** How many notifications arrived after the recipient's notifications marker, counting at most `limit`. */
export async function unreadNotificationCount(ctx: Ctx, accountId: string, filter: NotificationFilter, limit: number): Promise<number> {
  const marker = await getMarker(ctx, accountId, "notifications");
  let q = filtered(ctx, accountId, filter);
  if (marker) q = q.where("notifications.id", ">", normaliseId(marker.last_read_id));
  const rows = await q.orderBy("notifications.id", "desc").limit(limit).execute();
  return rows.length;
}

export async function dismissNotification(ctx: Ctx, accountId: string, id: string): Promise<void> {
  const result = await ctx.db.deleteFrom("notifications").where("id", "=", id).where("account_id", "=", accountId).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw new DomainError("not_found", "Record not found");
}

export async function clearNotifications(ctx: Ctx, accountId: string): Promise<void> {
  await ctx.db.deleteFrom("notifications").where("account_id", "=", accountId).execute();
}
