import { sql } from "kysely";
import type { Db, Tx } from "../db/index.ts";
import { mutesThreadOf } from "./conversation-mutes.ts";
import type { DomainEvent } from "./events.ts";
import { newId, nowIso } from "./ids.ts";
import { groupKeyFor } from "./notification-groups.ts";
import { policyDecision, recordFilteredNotification } from "./notification-policy.ts";

export type NotificationType =
  | "mention" | "status" | "reblog" | "follow" | "follow_request" | "favourite" | "poll" | "update"
  | "admin.sign_up" | "admin.report";

export interface NewNotification {
  /** the local account notified */
  accountId: string;
  fromAccountId: string;
  type: NotificationType;
  statusId?: string | null;
  /** the report an admin.report is about */
  reportId?: string | null;
  /** same key, one notification: a redelivered Like does not notify twice */
  dedupeKey?: string;
}

/**
 * Records a notification for a local account, unless it is about the account's own action,
 * the recipient blocks the sender (or the sender, a remote account that sent a Block, blocks the
 * recipient) or has muted them with notifications hidden.
 * Returns the id, or null when nothing was recorded.
 */
export async function notify(
  db: Db | Tx,
  n: NewNotification,
  emit?: (e: DomainEvent) => void,
): Promise<string | null> {
  if (n.accountId === n.fromAccountId && n.type !== "poll") return null;
  const recipient = await db
    .selectFrom("users")
    .select("account_id")
    .where("account_id", "=", n.accountId)
    .executeTakeFirst();
  if (!recipient) return null;
  const silenced = await db
    .selectFrom("blocks")
    .select(sql<number>`1`.as("x"))
    .where("account_id", "=", n.accountId)
    .where("target_account_id", "=", n.fromAccountId)
    .union(
      db
        .selectFrom("blocks")
        .select(sql<number>`1`.as("x"))
        .where("account_id", "=", n.fromAccountId)
        .where("target_account_id", "=", n.accountId),
    )
    .union(
      db
        .selectFrom("mutes")
        .select(sql<number>`1`.as("x"))
        .where("account_id", "=", n.accountId)
        .where("target_account_id", "=", n.fromAccountId)
        .where("hide_notifications", "=", 1),
    )
    .executeTakeFirst();
  if (silenced) return null;
  // A muted thread is silent; the recipient's policy may hold the notification back or drop it.
  if (n.statusId && (await mutesThreadOf(db, n.accountId, n.statusId))) return null;
  const decision = await policyDecision(db, n);
  if (decision === "drop") return null;
  const filtered = decision === "filter";
  const id = newId();
  const dedupe = n.dedupeKey ?? `${n.type}:${n.accountId}:${n.fromAccountId}:${n.statusId ?? ""}`;
  const inserted = await db
    .insertInto("notifications")
    .values({
      id,
      account_id: n.accountId,
      from_account_id: n.fromAccountId,
      type: n.type,
      status_id: n.statusId ?? null,
      dedupe_key: dedupe,
      created_at: nowIso(),
      group_key: filtered ? null : await groupKeyFor(db, n),
      report_id: n.reportId ?? null,
      filtered: filtered ? 1 : 0,
    })
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!inserted) return null;
  if (filtered) {
    // Held back: no live notification; it waits in the sender's notification request.
    await recordFilteredNotification(db, n);
    return id;
  }
  emit?.({ type: "notification.created", accountId: n.accountId, notificationId: id });
  return id;
}

/** Removes the notifications a withdrawn action caused (Undo Like, Undo Announce, deleted status). */
export async function withdrawNotifications(
  db: Db | Tx,
  where: { statusId: string; fromAccountId?: string; type?: NotificationType },
): Promise<void> {
  let q = db.deleteFrom("notifications").where("status_id", "=", where.statusId);
  if (where.fromAccountId) q = q.where("from_account_id", "=", where.fromAccountId);
  if (where.type) q = q.where("type", "=", where.type);
  await q.execute();
}
