import type { Selectable } from "kysely";
import type { ReportTable } from "../db/schema.ts";
import { enqueueJob } from "../jobs/outbox.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { newId, normaliseId, nowIso } from "./ids.ts";
import { readAdminSettings } from "./instance-settings.ts";
import { notify } from "./notifications.ts";
import { inTx } from "./tx.ts";
import { canView } from "./visibility.ts";

/*
 * Reports a user files against an account (and some of its posts), as Mastodon's ReportService
 * does: every admin hears of it (admin.report), and a report about a remote account may be
 * forwarded to its server as an anonymous Flag from the instance actor.
 */

export type Report = Selectable<ReportTable>;
export const REPORT_CATEGORIES = ["spam", "legal", "violation", "other"] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];
/** Mastodon's limit on a local report's comment */
export const MAX_REPORT_COMMENT = 1000;

export interface NewReport {
  /** the reporter, a local account */
  accountId: string;
  targetAccountId: string;
  statusIds: string[];
  comment: string;
  forward: boolean;
  category: string | null;
  /** ids of the instance rules (1-based, as /api/v1/instance/rules numbers them) */
  ruleIds: string[];
}

export async function createReport(ctx: Ctx, input: NewReport): Promise<Report> {
  const target = await ctx.db
    .selectFrom("accounts")
    .select(["id", "domain", "uri", "inbox_url"])
    .where("id", "=", input.targetAccountId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!target) throw new DomainError("not_found", "Record not found");
  if ([...input.comment].length > MAX_REPORT_COMMENT) {
    throw new DomainError("invalid", `Comment is too long (maximum is ${MAX_REPORT_COMMENT} characters)`);
  }
  // As Mastodon: giving rules makes it a rule violation, whatever category was sent.
  const ruleIds = [...new Set(input.ruleIds)];
  const category = ruleIds.length ? "violation" : (input.category || "other");
  if (!(REPORT_CATEGORIES as readonly string[]).includes(category)) throw new DomainError("invalid", `'${category}' is not a valid category`);
  if (ruleIds.length) {
    const rules = (await readAdminSettings(ctx)).rules;
    if (ruleIds.some((id) => !/^\d+$/.test(id) || Number(id) < 1 || Number(id) > rules.length)) {
      throw new DomainError("invalid", "Rule ids do not name rules of this server");
    }
  }
  const statusIds = await reportableStatusIds(ctx, input.accountId, target.id, input.statusIds);
  const forwarded = input.forward && target.domain !== null && !!target.inbox_url;

  return inTx(ctx, async (tx, emit) => {
    const id = newId();
    const now = nowIso();
    const row: Report = {
      id,
      account_id: input.accountId,
      target_account_id: target.id,
      status_ids: JSON.stringify(statusIds),
      rule_ids: JSON.stringify(ruleIds),
      comment: input.comment,
      category,
      forwarded: forwarded ? 1 : 0,
      uri: forwarded ? new URL(`/reports/${id}`, ctx.config.url).href : null,
      action_taken_at: null,
      created_at: now,
      updated_at: now,
    };
    await tx.insertInto("reports").values(row).execute();
    const admins = await tx
      .selectFrom("users")
      .innerJoin("accounts", "accounts.id", "users.account_id")
      .select("users.account_id")
      .where("users.admin", "=", 1)
      .where("accounts.deleted_at", "is", null)
      .execute();
    for (const admin of admins) {
      await notify(
        tx,
        { accountId: admin.account_id, fromAccountId: input.accountId, type: "admin.report", reportId: id, dedupeKey: `admin.report:${id}:${admin.account_id}` },
        emit,
      );
    }
    if (forwarded) await enqueueJob(tx, { kind: "deliver", activity: { type: "Flag", reportId: id } });
    return row;
  });
}

/**
 * The posts named in a report must be the target's and visible to the reporter; deleted ones
 * may stay (a report often follows a deletion). Any other id is a 404, as on Mastodon.
 */
async function reportableStatusIds(ctx: Ctx, reporterId: string, targetId: string, asked: string[]): Promise<string[]> {
  const ids = [...new Set(asked.filter((id) => /^\d{1,20}$/.test(id)).map(normaliseId))];
  if (ids.length !== new Set(asked).size) throw new DomainError("not_found", "Record not found");
  if (!ids.length) return [];
  const rows = await ctx.db.selectFrom("statuses").selectAll().where("id", "in", ids).where("account_id", "=", targetId).execute();
  if (rows.length !== ids.length) throw new DomainError("not_found", "Record not found");
  for (const row of rows) {
    if (!(await canView(ctx.db, { ...row, deleted_at: null }, reporterId))) throw new DomainError("not_found", "Record not found");
  }
  return ids;
}

/** Reports by id, for notifications and the API. */
export async function getReports(ctx: Ctx, ids: readonly string[]): Promise<Report[]> {
  if (!ids.length) return [];
  return ctx.db.selectFrom("reports").selectAll().where("id", "in", [...ids]).execute();
}

/** The ActivityPub ids a forwarded report names: the account, then its reported posts still stored. */
export async function flagObjects(ctx: Ctx, report: Report): Promise<{ accountUri: string; inbox: string | null; statusUris: string[] } | null> {
  const target = await ctx.db.selectFrom("accounts").select(["uri", "inbox_url", "domain"]).where("id", "=", report.target_account_id).executeTakeFirst();
  if (!target || target.domain === null) return null;
  const ids = parseIds(report.status_ids);
  const statuses = ids.length ? await ctx.db.selectFrom("statuses").select("uri").where("id", "in", ids).execute() : [];
  return { accountUri: target.uri, inbox: target.inbox_url, statusUris: statuses.map((s) => s.uri) };
}

export function parseIds(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}
