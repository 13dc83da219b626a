import type { Config } from "../../config.ts";
import type { ReportView } from "../../domain/hydrate.ts";
import { parseIds } from "../../domain/reports.ts";
import { type MastodonAccount, serializeAccount } from "./account.ts";
import { isoDate } from "./format.ts";

export interface MastodonReport {
  id: string;
  action_taken: boolean;
  action_taken_at: string | null;
  category: string;
  comment: string;
  forwarded: boolean;
  created_at: string;
  status_ids: string[];
  /** null unless the report cites rules (category "violation"), as on Mastodon */
  rule_ids: string[] | null;
  target_account: MastodonAccount;
}

export function serializeReport(view: ReportView, config: Pick<Config, "url">): MastodonReport {
  const r = view.report;
  const ruleIds = parseIds(r.rule_ids);
  return {
    id: r.id,
    action_taken: r.action_taken_at !== null,
    action_taken_at: isoDate(r.action_taken_at),
    category: r.category,
    comment: r.comment,
    forwarded: r.forwarded === 1,
    created_at: isoDate(r.created_at),
    status_ids: parseIds(r.status_ids),
    rule_ids: ruleIds.length ? ruleIds : null,
    target_account: serializeAccount(view.targetAccount, config),
  };
}
