import type { Tx } from "../db/index.ts";
import { enqueueJob } from "../jobs/outbox.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import type { DomainEvent } from "./events.ts";
import { newId, nowIso } from "./ids.ts";
import { notify } from "./notifications.ts";
import { updateRemotePollTallies, type RemotePollData } from "./polls.ts";
import { MAX_CHARACTERS, type RemoteStatusData, type Status } from "./statuses.ts";
import { countStatusCharacters, parseStatusText, renderStatusText } from "./status-text.ts";
import { upsertTags } from "./tags.ts";
import { inTx } from "./tx.ts";
import { findAccountByHandle, type Account } from "./accounts.ts";

export interface LocalEdit {
  text: string;
  spoilerText?: string;
  sensitive?: boolean;
  language?: string | null;
}

/**
 * Keeps the version history Mastodon shows: the first edit also records the original, so
 * `history` lists every version including the current one.
 */
async function recordVersion(tx: Tx, before: Status, after: Pick<Status, "content" | "spoiler_text" | "sensitive">, at: string): Promise<void> {
  const has = await tx.selectFrom("status_edits").select("id").where("status_id", "=", before.id).executeTakeFirst();
  const rows = [];
  if (!has) {
    rows.push({ id: newId(new Date(before.created_at)), status_id: before.id, content: before.content, spoiler_text: before.spoiler_text, sensitive: before.sensitive, poll_options: null, media_ids: null, created_at: before.created_at });
  }
  rows.push({ id: newId(), status_id: before.id, content: after.content, spoiler_text: after.spoiler_text, sensitive: after.sensitive, poll_options: null, media_ids: null, created_at: at });
  await tx.insertInto("status_edits").values(rows).execute();
}

async function notifyBoosters(tx: Tx, status: Status, emit: (e: DomainEvent) => void): Promise<void> {
  const boosters = await tx
    .selectFrom("statuses")
    .select("account_id")
    .where("reblog_of_id", "=", status.id)
    .where("deleted_at", "is", null)
    .execute();
  for (const b of boosters) {
    await notify(tx, { accountId: b.account_id, fromAccountId: status.account_id, type: "update", statusId: status.id, dedupeKey: `update:${status.id}:${b.account_id}:${Date.now()}` }, emit);
  }
}

export async function editLocalStatus(ctx: Ctx, accountId: string, statusId: string, edit: LocalEdit): Promise<Status> {
  const text = edit.text ?? "";
  const spoiler = edit.spoilerText ?? "";
  if (countStatusCharacters(text) + [...spoiler].length > MAX_CHARACTERS) {
    throw new DomainError("invalid", `Text character limit of ${MAX_CHARACTERS} exceeded`);
  }
  const parsed = parseStatusText(ctx.config, text);
  const mentioned = new Map<string, Account>();
  for (const h of parsed.mentions.slice(0, 20)) {
    const a = await findAccountByHandle(ctx, h.username, h.domain);
    if (a) mentioned.set(h.domain ? `${h.username}@${h.domain}`.toLowerCase() : h.username.toLowerCase(), a);
  }
  return inTx(ctx, async (tx, emit) => {
    const status = await tx.selectFrom("statuses").selectAll().where("id", "=", statusId).executeTakeFirst();
    if (!status || status.deleted_at || status.reblog_of_id) throw new DomainError("not_found", "Record not found");
    if (status.account_id !== accountId) throw new DomainError("forbidden", "This action is not allowed");
    if (!text.trim()) {
      const media = await tx.selectFrom("media_attachments").select("id").where("status_id", "=", statusId).executeTakeFirst();
      if (!media && !status.poll_id) throw new DomainError("invalid", "Text can't be blank");
    }
    const now = nowIso();
    const content = renderStatusText(ctx.config, text, mentioned);
    const next = {
      text,
      content,
      spoiler_text: spoiler,
      sensitive: edit.sensitive || spoiler.length > 0 ? 1 : 0,
      language: edit.language === undefined ? status.language : edit.language,
      edited_at: now,
    };
    await recordVersion(tx, status, next, now);
    await tx.updateTable("statuses").set(next).where("id", "=", statusId).execute();
    await replaceMentionsAndTags(tx, statusId, [...mentioned.values()].map((a) => a.id), parsed.tags);
    await notifyBoosters(tx, status, emit);
    const author = await tx.selectFrom("accounts").select("federating").where("id", "=", accountId).executeTakeFirstOrThrow();
    if (author.federating) await enqueueJob(tx, { kind: "deliver", activity: { type: "UpdateStatus", statusId } });
    emit({ type: "status.updated", statusId, accountId, edited: true });
    return { ...status, ...next };
  });
}

async function replaceMentionsAndTags(tx: Tx, statusId: string, accountIds: string[], tags: string[]): Promise<void> {
  await tx.deleteFrom("mentions").where("status_id", "=", statusId).execute();
  const unique = [...new Set(accountIds)];
  if (unique.length) {
    await tx.insertInto("mentions").values(unique.map((account_id) => ({ status_id: statusId, account_id, silent: 0 }))).execute();
  }
  await tx.deleteFrom("status_tags").where("status_id", "=", statusId).execute();
  const tagIds = await upsertTags(tx, tags);
  if (tagIds.length) await tx.insertInto("status_tags").values(tagIds.map((tag_id) => ({ status_id: statusId, tag_id }))).execute();
}

/**
 * An Update of a remote Note or Question. The caller has checked it comes from the stored
 * author. A Question whose text is unchanged only carries new vote counts: not an edit.
 */
export async function updateRemoteStatus(ctx: Ctx, statusId: string, data: RemoteStatusData): Promise<"edited" | "tallied" | "unchanged"> {
  const status = await ctx.db.selectFrom("statuses").selectAll().where("id", "=", statusId).executeTakeFirst();
  if (!status || status.deleted_at) return "unchanged";
  if (data.poll && status.poll_id) await updateRemotePollTallies(ctx, status.poll_id, data.poll as RemotePollData);
  const changed =
    status.content !== data.content || status.spoiler_text !== data.spoilerText || (status.sensitive === 1) !== data.sensitive;
  if (!changed) {
    if (data.poll) ctx.events.emit({ type: "status.updated", statusId, accountId: status.account_id, edited: false });
    return data.poll ? "tallied" : "unchanged";
  }
  await inTx(ctx, async (tx, emit) => {
    const at = (data.updated && data.updated.getTime() <= Date.now() ? data.updated : new Date()).toISOString();
    const next = { content: data.content, spoiler_text: data.spoilerText, sensitive: data.sensitive ? 1 : 0, language: data.language, edited_at: at };
    await recordVersion(tx, status, next, at);
    await tx.updateTable("statuses").set(next).where("id", "=", statusId).execute();
    await replaceMentionsAndTags(tx, statusId, data.mentionedAccountIds, data.tags);
    await notifyBoosters(tx, status, emit);
    emit({ type: "status.updated", statusId, accountId: status.account_id, edited: true });
  });
  return "edited";
}
