import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import {
  deleteScheduledStatus,
  getScheduledStatus,
  listScheduledStatuses,
  rescheduleStatus,
  scheduleStatus,
  type ScheduledStatus,
} from "../../domain/scheduled-statuses.ts";
import { authenticate, currentAccount, requireScope, requireUser } from "../auth.ts";
import { readParams, stringParam } from "../body.ts";
import { serializeScheduledStatus, type MastodonScheduledStatus } from "../entities/scheduled-status.ts";
import { unprocessable } from "../errors.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import type { StatusInput } from "./status-params.ts";
import { pathId } from "./status-views.ts";

const ID = "{[0-9]+}";

/** Reads `scheduled_at` as Mastodon does: any ISO 8601 time. */
export function scheduledTime(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw unprocessable("Scheduled at is not a valid date");
  return at;
}

export async function scheduledJson(app: WeftApp, items: ScheduledStatus[]): Promise<MastodonScheduledStatus[]> {
  const ids = items.map((s) => s.row.id);
  const media = ids.length
    ? await app.ctx.db.selectFrom("media_attachments").selectAll().where("scheduled_status_id", "in", ids).execute()
    : [];
  return items.map((s) => serializeScheduledStatus(s, media.filter((m) => m.scheduled_status_id === s.row.id), app.config));
}

/** POST /api/v1/statuses with scheduled_at: keeps the post for later and answers with the ScheduledStatus. */
export async function schedulePost(
  app: WeftApp,
  accountId: string,
  input: StatusInput & { scheduledAt: string },
  extra: { applicationId: string | null; idempotency: string | null },
): Promise<MastodonScheduledStatus> {
  const scheduled = await scheduleStatus(app.ctx, accountId, scheduledTime(input.scheduledAt), {
    text: input.text,
    visibility: input.visibility ?? null,
    spoiler_text: input.spoilerText,
    sensitive: input.sensitive ?? null,
    language: input.language,
    in_reply_to_id: input.inReplyToId,
    poll: input.poll
      ? { options: input.poll.options, expires_in: input.poll.expiresIn, multiple: input.poll.multiple ?? false, hide_totals: false }
      : null,
    media_ids: input.mediaIds,
    application_id: extra.applicationId,
    idempotency: extra.idempotency,
  });
  const [json] = await scheduledJson(app, [scheduled]);
  return json;
}

/** Mastodon's ScheduledStatusesController: the signed-in user's own scheduled posts. */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);
  const read = [auth, requireScope("read:statuses"), requireUser] as const;
  const write = [auth, requireScope("write:statuses"), requireUser] as const;

  routes.get("/api/v1/scheduled_statuses", ...read, async (c) => {
    const page = parsePage(c);
    const items = await listScheduledStatuses(ctx, currentAccount(c).id, page);
    setLinkHeader(c, config, items.map((s) => s.row.id), page);
    return c.json(await scheduledJson(app, items));
  });

  routes.get(`/api/v1/scheduled_statuses/:id${ID}`, ...read, async (c) => {
    const item = await getScheduledStatus(ctx, currentAccount(c).id, pathId(c));
    return c.json((await scheduledJson(app, [item]))[0]);
  });

  routes.put(`/api/v1/scheduled_statuses/:id${ID}`, ...write, async (c) => {
    const me = currentAccount(c).id;
    const id = pathId(c);
    const value = stringParam((await readParams(c)).scheduled_at);
    // Mastodon changes nothing when scheduled_at is left out.
    const item = value ? await rescheduleStatus(ctx, me, id, scheduledTime(value)) : await getScheduledStatus(ctx, me, id);
    return c.json((await scheduledJson(app, [item]))[0]);
  });

  routes.delete(`/api/v1/scheduled_statuses/:id${ID}`, ...write, async (c) => {
    await deleteScheduledStatus(ctx, currentAccount(c).id, pathId(c));
    return c.json({});
  });
}
