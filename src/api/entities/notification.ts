import type { Config } from "../../config.ts";
import type { NotificationView } from "../../domain/hydrate.ts";
import { type MastodonAccount, serializeAccount } from "./account.ts";
import { isoDate } from "./format.ts";
import { type MastodonReport, serializeReport } from "./report.ts";
import { type MastodonStatus, serializeStatus } from "./status.ts";

export type MastodonNotificationType =
  | "mention" | "status" | "reblog" | "follow" | "follow_request" | "favourite" | "poll" | "update"
  | "admin.sign_up" | "admin.report";

export interface MastodonNotification {
  id: string;
  type: MastodonNotificationType;
  created_at: string;
  /** Mastodon 4.3's group key (domain/notification-groups.ts); ungrouped ones get a key of their own */
  group_key: string;
  account: MastodonAccount;
  status: MastodonStatus | null;
  /** admin.report only */
  report?: MastodonReport | null;
}

export function serializeNotification(view: NotificationView, config: Pick<Config, "url">): MastodonNotification {
  const n = view.notification;
  const out: MastodonNotification = {
    id: n.id,
    type: n.type as MastodonNotificationType,
    created_at: isoDate(n.created_at),
    group_key: n.group_key ?? `ungrouped-${n.id}`,
    account: serializeAccount(view.account, config),
    status: view.status ? serializeStatus(view.status, config) : null,
  };
  if (view.report) out.report = serializeReport(view.report, config);
  return out;
}
