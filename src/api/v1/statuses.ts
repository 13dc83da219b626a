import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { loadAccounts, loadStatuses } from "../../domain/hydrate.ts";
import { withIdempotencyKey } from "../../domain/idempotency.ts";
import { afterStatusDeleted, parseFocus, updateMedia } from "../../domain/media.ts";
import { editLocalStatus } from "../../domain/status-edits.ts";
import { statusHistory } from "../../domain/status-history.ts";
import { createLocalStatus, deleteStatus, getStatus } from "../../domain/statuses.ts";
import { statusContext } from "../../domain/timelines.ts";
import { resolveHandle } from "../../federation/lookup.ts";
import { authenticate, currentAccount, currentAuth, optionalScope, requireScope, requireUser } from "../auth.ts";
import { readParams, stringParam, type Params } from "../body.ts";
import { serializeStatus, serializeStatusSource } from "../entities/status.ts";
import { serializeStatusEdit } from "../entities/status-edit.ts";
import { notFound, unprocessable } from "../errors.ts";
import { boolParam, idList, languageParam, mediaAttributes, pollParam, statusInput } from "./status-params.ts";
import { schedulePost } from "./scheduled-statuses.ts";
import { pathId, statusJson, viewerOf, visibleStatus, withoutSilenced } from "./status-views.ts";

const ID = "{[0-9]+}";

/** Posting, editing, deleting and reading around one status (Mastodon's StatusesController and friends). */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);
  const write = [auth, requireScope("write:statuses"), requireUser] as const;

  routes.post("/api/v1/statuses", ...write, async (c) => {
    const params = await readParams(c);
    const input = statusInput(params);
    const account = currentAccount(c);
    if (input.scheduledAt) {
      const extra = { applicationId: currentAuth(c)?.token.app_id ?? null, idempotency: c.req.header("idempotency-key") ?? null };
      return c.json(await schedulePost(app, account.id, { ...input, scheduledAt: input.scheduledAt }, extra));
    }
    const post = async () => {
      const status = await createLocalStatus(ctx, {
        accountId: account.id,
        text: input.text,
        visibility: input.visibility,
        spoilerText: input.spoilerText,
        sensitive: input.sensitive,
        language: input.language,
        inReplyToId: input.inReplyToId,
        mediaIds: input.mediaIds,
        poll: input.poll,
        applicationId: currentAuth(c)?.token.app_id ?? null,
        resolveHandle: (username, domain) => resolveHandle(app, username, domain),
      });
      return status.id;
    };
    const key = c.req.header("idempotency-key");
    const statusId = key
      ? (await withIdempotencyKey(ctx, account.id, key, post, async (id) => !!(await getStatus(ctx, id)))).statusId
      : await post();
    return c.json(await statusJson(app, statusId, account.id));
  });

  routes.delete(`/api/v1/statuses/:id${ID}`, ...write, async (c) => {
    const me = currentAccount(c).id;
    const id = pathId(c);
    const status = await getStatus(ctx, id);
    // Someone else's status is as absent as a missing one.
    if (!status || status.account_id !== me) throw notFound();
    const [view] = await loadStatuses(ctx, [id], me);
    if (!view) throw notFound();
    await deleteStatus(ctx, id, me);
    await afterStatusDeleted(ctx, id, boolParam((await readParams(c)).delete_media) ? "delete" : "redraft");
    // The source comes along, so the client can offer it again ("delete and redraft").
    return c.json({ ...serializeStatus(view, config), text: status.text ?? serializeStatusSource(status).text });
  });

  routes.put(`/api/v1/statuses/:id${ID}`, ...write, async (c) => {
    const me = currentAccount(c).id;
    const id = pathId(c);
    const status = await getStatus(ctx, id);
    if (!status || status.account_id !== me || status.reblog_of_id) throw notFound();
    const params = await readParams(c);
    await checkUnchangedAttachments(app, status.id, status.poll_id, params);
    for (const attr of mediaAttributes(params.media_attributes)) {
      const change: { description?: string | null; focus?: { x: number; y: number } | null } = {};
      if (attr.description !== undefined) change.description = attr.description;
      if (attr.focus !== undefined) change.focus = parseFocus(attr.focus);
      const media = await updateMedia(ctx, me, attr.id, change, { allowAttached: true });
      if (media.status_id !== status.id) throw unprocessable("Media attachment does not belong to this status");
    }
    await editLocalStatus(ctx, me, id, {
      text: stringParam(params.status) ?? status.text ?? "",
      spoilerText: params.spoiler_text === undefined ? status.spoiler_text : (stringParam(params.spoiler_text) ?? ""),
      sensitive: params.sensitive === undefined ? status.sensitive === 1 : boolParam(params.sensitive),
      language: params.language === undefined ? undefined : languageParam(params.language),
    });
    return c.json(await statusJson(app, id, me));
  });

  routes.get(`/api/v1/statuses/:id${ID}/history`, auth, optionalScope("read:statuses"), async (c) => {
    const status = await visibleStatus(app, pathId(c), viewerOf(c));
    const [author] = await loadAccounts(ctx, [status.account_id]);
    if (!author) throw notFound();
    const versions = await statusHistory(ctx, status);
    return c.json(versions.map((v) => serializeStatusEdit(v.edit, author, v.media, config)));
  });

  routes.get(`/api/v1/statuses/:id${ID}/source`, auth, requireScope("read:statuses"), requireUser, async (c) => {
    const status = await visibleStatus(app, pathId(c), currentAccount(c).id);
    return c.json(serializeStatusSource(status));
  });

  routes.get(`/api/v1/statuses/:id${ID}/context`, auth, optionalScope("read:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const status = await visibleStatus(app, pathId(c), viewer);
    const thread = await statusContext(ctx, status.reblog_of_id ?? status.id, viewer);
    const views = await withoutSilenced(app, await loadStatuses(ctx, [...thread.ancestors, ...thread.descendants], viewer), viewer);
    const byId = new Map(views.map((v) => [v.status.id, serializeStatus(v, config)]));
    const pick = (ids: string[]) => ids.flatMap((id) => byId.get(id) ?? []);
    return c.json({ ancestors: pick(thread.ancestors), descendants: pick(thread.descendants) });
  });
}

/**
 * Edits here change text, content warning, sensitivity, language and media descriptions.
 * Clients send the attachments and poll back unchanged on every edit; a request to change them
 * is refused plainly rather than ignored.
 */
async function checkUnchangedAttachments(app: WeftApp, statusId: string, pollId: string | null, params: Params): Promise<void> {
  if (params.media_ids !== undefined) {
    const wanted = idList(params.media_ids, "media_ids");
    const rows = await app.ctx.db.selectFrom("media_attachments").select("id").where("status_id", "=", statusId).execute();
    const current = new Set(rows.map((r) => r.id));
    if (wanted.length !== current.size || wanted.some((id) => !current.has(id))) {
      throw unprocessable("Changing the attachments of a posted status is not supported yet");
    }
  }
  const poll = pollParam(params.poll);
  if (poll) {
    const row = pollId ? await app.ctx.db.selectFrom("polls").select("options").where("id", "=", pollId).executeTakeFirst() : undefined;
    const current = row ? (JSON.parse(row.options) as string[]) : [];
    if (poll.options.length !== current.length || poll.options.some((o, i) => o.trim() !== current[i])) {
      throw unprocessable("Changing the poll of a posted status is not supported yet");
    }
  }
}
