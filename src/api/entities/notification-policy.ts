import type { Config } from "../../config.ts";
import type { AccountView, StatusView } from "../../domain/hydrate.ts";
import type { NotificationPolicy, PolicyValue } from "../../domain/notification-policy.ts";
import type { NotificationRequestView, PolicySummary } from "../../domain/notification-requests.ts";
import { type MastodonAccount, serializeAccount } from "./account.ts";
import { isoDate } from "./format.ts";
import { type MastodonStatus, serializeStatus } from "./status.ts";

export interface MastodonPolicySummary {
  pending_requests_count: number;
  pending_notifications_count: number;
}

export interface MastodonNotificationPolicy {
  for_not_following: PolicyValue;
  for_not_followers: PolicyValue;
  for_new_accounts: PolicyValue;
  for_private_mentions: PolicyValue;
  for_limited_accounts: PolicyValue;
  summary: MastodonPolicySummary;
}

/** The v1 shape (Mastodon 4.3 keeps it for older apps): "filtering" is anything but accept. */
export interface MastodonV1NotificationPolicy {
  filter_not_following: boolean;
  filter_not_followers: boolean;
  filter_new_accounts: boolean;
  filter_private_mentions: boolean;
  summary: MastodonPolicySummary;
}

export interface MastodonNotificationRequest {
  id: string;
  created_at: string;
  updated_at: string;
  /** a string, as Mastodon sends it */
  notifications_count: string;
  account: MastodonAccount;
  last_status: MastodonStatus | null;
}

const summaryJson = (s: PolicySummary): MastodonPolicySummary => ({
  pending_requests_count: s.pendingRequests,
  pending_notifications_count: s.pendingNotifications,
});

export function serializeNotificationPolicy(p: NotificationPolicy, s: PolicySummary): MastodonNotificationPolicy {
  return {
    for_not_following: p.forNotFollowing,
    for_not_followers: p.forNotFollowers,
    for_new_accounts: p.forNewAccounts,
    for_private_mentions: p.forPrivateMentions,
    for_limited_accounts: p.forLimitedAccounts,
    summary: summaryJson(s),
  };
}

export function serializeV1NotificationPolicy(p: NotificationPolicy, s: PolicySummary): MastodonV1NotificationPolicy {
  return {
    filter_not_following: p.forNotFollowing !== "accept",
    filter_not_followers: p.forNotFollowers !== "accept",
    filter_new_accounts: p.forNewAccounts !== "accept",
    filter_private_mentions: p.forPrivateMentions !== "accept",
    summary: summaryJson(s),
  };
}

export function serializeNotificationRequest(
  view: NotificationRequestView,
  account: AccountView,
  lastStatus: StatusView | null,
  config: Pick<Config, "url">,
): MastodonNotificationRequest {
  return {
    id: view.request.id,
    created_at: isoDate(view.request.created_at),
    updated_at: isoDate(view.request.updated_at),
    notifications_count: String(view.count),
    account: serializeAccount(account, config),
    last_status: lastStatus ? serializeStatus(lastStatus, config) : null,
  };
}
