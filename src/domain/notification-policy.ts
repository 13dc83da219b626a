import type { Db, Tx } from "../db/index.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { newId, nowIso } from "./ids.ts";

/*
 * The recipient's notification policy (Mastodon 4.3): for notifications from people they do not
 * follow, who do not follow them (or only for under three days), whose accounts are under 30
 * days old, or unsolicited private mentions, each category says "accept", "filter" (held back
 * as a notification request the recipient can accept or dismiss) or "drop" (never recorded).
 * Weft has no moderator-limited accounts, so `for_limited_accounts` is stored but never applies.
 * Without a stored row everything is accepted.
 */

export type PolicyValue = "accept" | "filter" | "drop";
export const POLICY_VALUES: readonly PolicyValue[] = ["accept", "filter", "drop"];

export interface NotificationPolicy {
  forNotFollowing: PolicyValue;
  forNotFollowers: PolicyValue;
  forNewAccounts: PolicyValue;
  forPrivateMentions: PolicyValue;
  forLimitedAccounts: PolicyValue;
}

export const DEFAULT_POLICY: NotificationPolicy = {
  forNotFollowing: "accept",
  forNotFollowers: "accept",
  forNewAccounts: "accept",
  forPrivateMentions: "accept",
  forLimitedAccounts: "accept",
};

/** Types a policy may hold back; the rest (own posts' polls, edits, admin notices…) always arrive. */
const FILTERABLE = new Set(["mention", "reblog", "follow", "follow_request", "favourite"]);
const NEW_ACCOUNT_MS = 30 * 24 * 3600 * 1000;
const NEW_FOLLOWER_MS = 3 * 24 * 3600 * 1000;
const MAX_ANCESTORS = 20;

const asValue = (v: string): PolicyValue => (POLICY_VALUES as readonly string[]).includes(v) ? (v as PolicyValue) : "accept";

export async function getNotificationPolicy(db: Db | Tx, accountId: string): Promise<NotificationPolicy> {
  const row = await db.selectFrom("notification_policies").selectAll().where("account_id", "=", accountId).executeTakeFirst();
  if (!row) return { ...DEFAULT_POLICY };
  return {
    forNotFollowing: asValue(row.for_not_following),
    forNotFollowers: asValue(row.for_not_followers),
    forNewAccounts: asValue(row.for_new_accounts),
    forPrivateMentions: asValue(row.for_private_mentions),
    forLimitedAccounts: asValue(row.for_limited_accounts),
  };
}

export async function updateNotificationPolicy(ctx: Ctx, accountId: string, changes: Partial<NotificationPolicy>): Promise<NotificationPolicy> {
  for (const v of Object.values(changes)) {
    if (v !== undefined && !POLICY_VALUES.includes(v)) throw new DomainError("invalid", "Policy values must be accept, filter or drop");
  }
  const next = { ...(await getNotificationPolicy(ctx.db, accountId)), ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
  const row = {
    for_not_following: next.forNotFollowing,
    for_not_followers: next.forNotFollowers,
    for_new_accounts: next.forNewAccounts,
    for_private_mentions: next.forPrivateMentions,
    for_limited_accounts: next.forLimitedAccounts,
    updated_at: nowIso(),
  };
  await ctx.db
    .insertInto("notification_policies")
    .values({ account_id: accountId, ...row })
    .onConflict((oc) => oc.column("account_id").doUpdateSet(row))
    .execute();
  return next;
}

export interface PolicyCandidate {
  accountId: string;
  fromAccountId: string;
  type: string;
  statusId?: string | null;
}

/** What the recipient's policy does with a notification about to be recorded. */
export async function policyDecision(db: Db | Tx, n: PolicyCandidate): Promise<PolicyValue> {
  if (!FILTERABLE.has(n.type)) return "accept";
  const policy = await getNotificationPolicy(db, n.accountId);
  const values = [policy.forNotFollowing, policy.forNotFollowers, policy.forNewAccounts, policy.forPrivateMentions];
  if (values.every((v) => v === "accept")) return "accept";
  const permitted = await db
    .selectFrom("notification_permissions")
    .select("account_id")
    .where("account_id", "=", n.accountId)
    .where("from_account_id", "=", n.fromAccountId)
    .executeTakeFirst();
  if (permitted) return "accept";

  const [iFollow, theyFollow, sender] = await Promise.all([
    db.selectFrom("follows").select("id").where("account_id", "=", n.accountId).where("target_account_id", "=", n.fromAccountId).executeTakeFirst(),
    db.selectFrom("follows").select("created_at").where("account_id", "=", n.fromAccountId).where("target_account_id", "=", n.accountId).executeTakeFirst(),
    db.selectFrom("accounts").select("created_at").where("id", "=", n.fromAccountId).executeTakeFirst(),
  ]);
  const now = Date.now();
  const notFollowing = !iFollow;
  const notFollower = !theyFollow || now - Date.parse(theyFollow.created_at) < NEW_FOLLOWER_MS;
  const newAccount = !!sender && now - Date.parse(sender.created_at) < NEW_ACCOUNT_MS;
  const unsolicitedPrivateMention =
    policy.forPrivateMentions !== "accept" && notFollowing && n.type === "mention" && !!n.statusId
      ? await isUnsolicitedPrivateMention(db, n.accountId, n.fromAccountId, n.statusId)
      : false;

  const applying: PolicyValue[] = [];
  if (notFollowing) applying.push(policy.forNotFollowing);
  if (notFollower) applying.push(policy.forNotFollowers);
  if (newAccount) applying.push(policy.forNewAccounts);
  if (unsolicitedPrivateMention) applying.push(policy.forPrivateMentions);
  if (applying.includes("drop")) return "drop";
  if (applying.includes("filter")) return "filter";
  return "accept";
}

/**
 * A direct post that does not answer a thread where the recipient mentioned the sender: the
 * recipient did not start this conversation.
 */
async function isUnsolicitedPrivateMention(db: Db | Tx, recipientId: string, senderId: string, statusId: string): Promise<boolean> {
  const status = await db.selectFrom("statuses").select(["visibility", "in_reply_to_id"]).where("id", "=", statusId).executeTakeFirst();
  if (!status || status.visibility !== "direct") return false;
  let parentId = status.in_reply_to_id;
  for (let depth = 0; parentId && depth < MAX_ANCESTORS; depth++) {
    const parent = await db.selectFrom("statuses").select(["id", "account_id", "in_reply_to_id"]).where("id", "=", parentId).executeTakeFirst();
    if (!parent) break;
    if (parent.account_id === recipientId) {
      const mentions = await db
        .selectFrom("mentions")
        .select("account_id")
        .where("status_id", "=", parent.id)
        .where("account_id", "=", senderId)
        .executeTakeFirst();
      if (mentions) return false;
    }
    parentId = parent.in_reply_to_id;
  }
  return true;
}

/** Files a filtered notification under its sender's request, opening one if needed. */
export async function recordFilteredNotification(db: Db | Tx, n: PolicyCandidate): Promise<void> {
  const now = nowIso();
  await db
    .insertInto("notification_requests")
    .values({
      id: newId(),
      account_id: n.accountId,
      from_account_id: n.fromAccountId,
      last_status_id: n.statusId ?? null,
      notifications_count: 1,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(["account_id", "from_account_id"]).doUpdateSet((eb) => ({
        last_status_id: n.statusId ?? eb.ref("notification_requests.last_status_id"),
        notifications_count: eb("notification_requests.notifications_count", "+", 1),
        updated_at: now,
      })),
    )
    .execute();
}
