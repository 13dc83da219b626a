import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { loadAccounts } from "../../domain/hydrate.ts";
import { isId, normaliseId } from "../../domain/ids.ts";
import { createReport } from "../../domain/reports.ts";
import { authenticate, currentAccount, requireScope, requireUser } from "../auth.ts";
import { readParams, stringParam, type ParamValue } from "../body.ts";
import { serializeReport } from "../entities/report.ts";
import { notFound } from "../errors.ts";
import { boolParam } from "./status-params.ts";

/** A list parameter whose items may come as JSON numbers (some apps send rule ids that way). */
function list(v: ParamValue | undefined): string[] {
  const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return items.flatMap((x) => (typeof x === "string" || typeof x === "number" ? [String(x)] : []));
}

/**
 * Filing a report (POST /api/v1/reports). Admins see it as an admin.report notification; the
 * admin API to act on reports (GET /api/v1/admin/reports…) is not there yet.
 */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);

  routes.post("/api/v1/reports", auth, requireScope("write:reports"), requireUser, async (c) => {
    const params = await readParams(c);
    const target = stringParam(params.account_id);
    if (!target || !isId(target)) throw notFound();
    const report = await createReport(ctx, {
      accountId: currentAccount(c).id,
      targetAccountId: normaliseId(target),
      statusIds: list(params.status_ids),
      comment: stringParam(params.comment) ?? "",
      forward: boolParam(params.forward) ?? false,
      category: stringParam(params.category) ?? null,
      ruleIds: list(params.rule_ids),
    });
    const [targetAccount] = await loadAccounts(ctx, [report.target_account_id]);
    if (!targetAccount) throw notFound();
    return c.json(serializeReport({ report, targetAccount }, config));
  });
}
