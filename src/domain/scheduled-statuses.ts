import type { Selectable } from "kysely";
import type { Tx } from "../db/index.ts";
import type { ScheduledStatusTable } from "../db/schema.ts";
import { enqueueJob } from "../jobs/outbox.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { withIdempotencyKey } from "./idempotency.ts";
import { newId, nowIso } from "./ids.ts";
import { applyPage, pageResult, type Page } from "./pagination.ts";
import { validateNewPoll } from "./polls.ts";
import { countStatusCharacters } from "./status-text.ts";
import { createLocalStatus, defaultVisibility, getStatus, MAX_CHARACTERS, MAX_MEDIA } from "./statuses.ts";
import { inTx } from "./tx.ts";
import { claimMedia } from "./media-attach.ts";
import type { Visibility } from "./visibility.ts";

export type ScheduledStatusRow = Selectable<ScheduledStatusTable>;

/** The posting parameters kept until the post goes out (the `params` JSON column). */
export interface ScheduledParams {
  text: string;
  /** the author's default is filled in when scheduling, so the post goes out as it was shown */
  visibility: Visibility | null;
  spoiler_text: string;
  sensitive: boolean | null;
  language: string | null;
  in_reply_to_id: string | null;
  poll: { options: string[]; expires_in: number; multiple: boolean; hide_totals: boolean } | null;
  media_ids: string[];
  application_id: string | null;
  idempotency: string | null;
}

export interface ScheduledStatus {
  row: ScheduledStatusRow;
  params: ScheduledParams;
}

// Mastodon's limits (ScheduledStatusValidator).
export const MIN_DELAY_MS = 5 * 60_000;
export const TOTAL_LIMIT = 300;
export const DAILY_LIMIT = 25;
export const PUBLISH_JOB = "scheduled_status.publish";

function parse(row: ScheduledStatusRow): ScheduledStatus {
  return { row, params: JSON.parse(row.params) as ScheduledParams };
}

function checkContent(p: ScheduledParams): void {
  if (!p.text.trim() && p.media_ids.length === 0 && !p.poll) throw new DomainError("invalid", "Text can't be blank");
  if (countStatusCharacters(p.text) + [...p.spoiler_text].length > MAX_CHARACTERS) {
    throw new DomainError("invalid", `Text character limit of ${MAX_CHARACTERS} exceeded`);
  }
  if (p.media_ids.length > MAX_MEDIA) throw new DomainError("invalid", `Too many media attachments (max ${MAX_MEDIA})`);
  if (p.poll && p.media_ids.length) throw new DomainError("invalid", "Cannot attach both media and a poll");
  if (p.poll) validateNewPoll({ options: p.poll.options, expiresIn: p.poll.expires_in, multiple: p.poll.multiple });
}

/** The time and the per-account limits; `except` is the row being moved, which does not count against itself. */
async function checkTime(tx: Tx, accountId: string, at: Date, except: string | null): Promise<void> {
  if (Number.isNaN(at.getTime())) throw new DomainError("invalid", "Scheduled at is not a valid date");
  if (at.getTime() < Date.now() + MIN_DELAY_MS) {
    throw new DomainError("invalid", "Scheduled at must be at least 5 minutes in the future");
  }
  const others = tx.selectFrom("scheduled_statuses").where("account_id", "=", accountId).where("id", "!=", except ?? "");
  const total = await others.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  if (Number(total.n) >= TOTAL_LIMIT) {
    throw new DomainError("invalid", `You have exceeded the limit of ${TOTAL_LIMIT} scheduled posts`);
  }
  const day = at.toISOString().slice(0, 10);
  const sameDay = await others
    .where("scheduled_at", ">=", `${day}T00:00:00.000Z`)
    .where("scheduled_at", "<=", `${day}T23:59:59.999Z`)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  if (Number(sameDay.n) >= DAILY_LIMIT) {
    throw new DomainError("invalid", `You have exceeded the limit of ${DAILY_LIMIT} scheduled posts for that day`);
  }
}

/** Holds the uploads for the scheduled post, so no status or other scheduled post can take them. */
function holdMedia(tx: Tx, accountId: string, scheduledId: string, mediaIds: string[]): Promise<void> {
  return claimMedia(tx, accountId, mediaIds, { scheduled_status_id: scheduledId });
}

async function releaseMedia(tx: Tx, scheduledId: string): Promise<void> {
  await tx.updateTable("media_attachments").set({ scheduled_status_id: null }).where("scheduled_status_id", "=", scheduledId).execute();
}

/** Keeps a post to publish at `at`; the publish job is recorded in the same transaction. */
export async function scheduleStatus(ctx: Ctx, accountId: string, at: Date, params: ScheduledParams): Promise<ScheduledStatus> {
  checkContent(params);
  return inTx(ctx, async (tx) => {
    await checkTime(tx, accountId, at, null);
    params = { ...params, visibility: params.visibility ?? (await defaultVisibility(tx, accountId)) };
    const row: ScheduledStatusRow = {
      id: newId(),
      account_id: accountId,
      scheduled_at: at.toISOString(),
      params: JSON.stringify(params),
      created_at: nowIso(),
    };
    await tx.insertInto("scheduled_statuses").values(row).execute();
    await holdMedia(tx, accountId, row.id, params.media_ids);
    await enqueueJob(tx, { kind: PUBLISH_JOB, scheduledStatusId: row.id }, at);
    return parse(row);
  });
}

export async function listScheduledStatuses(ctx: Ctx, accountId: string, page: Page): Promise<ScheduledStatus[]> {
  const rows = await applyPage(ctx.db.selectFrom("scheduled_statuses").selectAll().where("account_id", "=", accountId), "id", page).execute();
  return pageResult(rows, page).map(parse);
}

/** Someone else's scheduled post is as absent as a missing one. */
export async function getScheduledStatus(ctx: Ctx | { db: Tx }, accountId: string, id: string): Promise<ScheduledStatus> {
  const row = await ctx.db
    .selectFrom("scheduled_statuses")
    .selectAll()
    .where("id", "=", id)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  if (!row) throw new DomainError("not_found", "Record not found");
  return parse(row);
}

/** Moves a scheduled post; the job recorded for the old time finds the new time and does nothing. */
export async function rescheduleStatus(ctx: Ctx, accountId: string, id: string, at: Date): Promise<ScheduledStatus> {
  return inTx(ctx, async (tx) => {
    const current = await getScheduledStatus({ db: tx }, accountId, id);
    await checkTime(tx, accountId, at, id);
    const scheduledAt = at.toISOString();
    await tx.updateTable("scheduled_statuses").set({ scheduled_at: scheduledAt }).where("id", "=", id).execute();
    await enqueueJob(tx, { kind: PUBLISH_JOB, scheduledStatusId: id }, at);
    return { ...current, row: { ...current.row, scheduled_at: scheduledAt } };
  });
}

/** Cancels a scheduled post; its uploads are free again. */
export async function deleteScheduledStatus(ctx: Ctx, accountId: string, id: string): Promise<void> {
  await inTx(ctx, async (tx) => {
    await getScheduledStatus({ db: tx }, accountId, id);
    await releaseMedia(tx, id);
    await tx.deleteFrom("scheduled_statuses").where("id", "=", id).execute();
  });
}

/**
 * The "scheduled_status.publish" job: posts the kept parameters once their time has come.
 * A row that was cancelled, or moved later (its new job is queued), is left alone.
 */
export async function publishScheduledStatus(ctx: Ctx, id: string): Promise<string | null> {
  const row = await ctx.db.selectFrom("scheduled_statuses").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row || Date.parse(row.scheduled_at) > Date.now()) return null;
  const { params } = parse(row);
  // createLocalStatus refuses uploads a scheduled post holds, so hand them over first.
  await inTx(ctx, (tx) => releaseMedia(tx, id));
  const post = async () => {
    const status = await createLocalStatus(ctx, {
      accountId: row.account_id,
      text: params.text,
      visibility: params.visibility ?? undefined,
      spoilerText: params.spoiler_text,
      sensitive: params.sensitive ?? undefined,
      language: params.language,
      inReplyToId: params.in_reply_to_id,
      mediaIds: params.media_ids,
      poll: params.poll ? { options: params.poll.options, expiresIn: params.poll.expires_in, multiple: params.poll.multiple } : null,
      applicationId: params.application_id,
    });
    return status.id;
  };
  let statusId: string | null = null;
  try {
    // Keyed on the scheduled post, so a retry after a crash between posting and removing the row posts nothing twice.
    const key = `scheduled-status:${id}`;
    statusId = (await withIdempotencyKey(ctx, row.account_id, key, post, async (sid) => !!(await getStatus(ctx, sid)))).statusId;
  } catch (err) {
    // A rule broken by then (the replied-to post is gone, the author was deleted) will not heal on retry.
    if (!(err instanceof DomainError) || err.code === "conflict" || err.code === "unavailable") throw err;
    ctx.log.warn({ err, scheduledStatusId: id }, "scheduled post could not be published; dropped");
  }
  await ctx.db.deleteFrom("scheduled_statuses").where("id", "=", id).execute();
  return statusId;
}
