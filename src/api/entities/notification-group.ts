import type { Config } from "../../config.ts";
import type { AccountView, NotificationView } from "../../domain/hydrate.ts";
import type { GroupSummary } from "../../domain/notification-groups.ts";
import { type MastodonAccount, serializeAccount } from "./account.ts";
import { isoDate } from "./format.ts";
import type { MastodonNotificationType } from "./notification.ts";
import { type MastodonReport, serializeReport } from "./report.ts";

/** Mastodon 4.3's NotificationGroup. */
export interface MastodonNotificationGroup {
  group_key: string;
  notifications_count: number;
  type: MastodonNotificationType;
  /** a string, as masto.js and Mastodon's own web app read it (ids are strings everywhere) */
  most_recent_notification_id: string;
  page_min_id?: string;
  page_max_id?: string;
  latest_page_notification_at?: string;
  sample_account_ids: string[];
  status_id?: string | null;
  report?: MastodonReport | null;
}

/** The account fields Mastodon sends for `expand_accounts=partial_avatars`. */
export interface MastodonPartialAccount {
  id: string;
  acct: string;
  locked: boolean;
  bot: boolean;
  url: string;
  avatar: string;
  avatar_static: string;
  avatar_description: string;
}

export interface MastodonGroupedNotifications<S> {
  accounts: MastodonAccount[];
  partial_accounts?: MastodonPartialAccount[];
  statuses: S[];
  notification_groups: MastodonNotificationGroup[];
}

/** Types whose group names a status (Mastodon's `status_type?`). */
const STATUS_TYPES = new Set(["favourite", "reblog", "status", "mention", "poll", "update"]);

export function serializeNotificationGroup(
  summary: GroupSummary,
  view: NotificationView,
  knownAccounts: ReadonlySet<string>,
  config: Pick<Config, "url">,
): MastodonNotificationGroup {
  const n = view.notification;
  const out: MastodonNotificationGroup = {
    group_key: summary.groupKey,
    notifications_count: summary.count,
    type: n.type as MastodonNotificationType,
    most_recent_notification_id: summary.mostRecentId,
    sample_account_ids: summary.sampleAccountIds.filter((id) => knownAccounts.has(id)),
  };
  if (summary.page) {
    out.page_min_id = summary.page.minId;
    out.page_max_id = summary.page.maxId;
    out.latest_page_notification_at = isoDate(summary.page.latestAt);
  }
  if (STATUS_TYPES.has(n.type)) out.status_id = view.status?.status.id ?? null;
  if (n.type === "admin.report") out.report = view.report ? serializeReport(view.report, config) : null;
  return out;
}

export function serializePartialAccount(view: AccountView, config: Pick<Config, "url">): MastodonPartialAccount {
  const full = serializeAccount(view, config);
  return {
    id: full.id,
    acct: full.acct,
    locked: full.locked,
    bot: full.bot,
    url: full.url,
    avatar: full.avatar,
    avatar_static: full.avatar_static,
    avatar_description: "",
  };
}
