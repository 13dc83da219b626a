import type { Selectable } from "kysely";
import type { Tx } from "../db/index.ts";
import type { StatusTable } from "../db/schema.ts";
import { enqueueJob } from "../jobs/outbox.ts";
import type { Account } from "./accounts.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import type { DomainEvent } from "./events.ts";
import { newId, nowIso } from "./ids.ts";
import { notify, withdrawNotifications } from "./notifications.ts";
import { createPoll, type NewPoll, type RemotePollData, storeRemotePoll } from "./polls.ts";
import { attachMedia, storeRemoteMedia, type RemoteMediaData } from "./media-attach.ts";
import { enqueueCardFetch } from "./cards.ts";
import { countStatusCharacters, parseStatusText, renderStatusText } from "./status-text.ts";
import { upsertTags } from "./tags.ts";
import { inTx } from "./tx.ts";
import { canView, type Visibility } from "./visibility.ts";
import { localStatusUris } from "./uris.ts";

export type Status = Selectable<StatusTable>;

export const MAX_CHARACTERS = 500;
export const MAX_MEDIA = 4;

export interface NewLocalStatus {
  accountId: string;
  text: string;
  visibility?: Visibility;
  spoilerText?: string;
  sensitive?: boolean;
  language?: string | null;
  inReplyToId?: string | null;
  mediaIds?: string[];
  poll?: NewPoll | null;
  applicationId?: string | null;
  /**
   * Resolves `@user@domain` handles that are not yet known locally (WebFinger lives in
   * federation/, so the caller passes it in). Unresolved handles stay plain text.
   */
  resolveHandle?: (username: string, domain: string) => Promise<Account | null>;
}

/** What federation/ extracts from a remote Note or Question, in domain terms. */
export interface RemoteStatusData {
  uri: string;
  url: string | null;
  accountId: string;
  inReplyToUri: string | null;
  /** already-sanitised HTML */
  content: string;
  spoilerText: string;
  sensitive: boolean;
  visibility: Visibility;
  language: string | null;
  published: Date;
  updated: Date | null;
  /** local account ids of the accounts mentioned (remote ones too, when known) */
  mentionedAccountIds: string[];
  tags: string[];
  media: RemoteMediaData[];
  poll: RemotePollData | null;
}

async function loadAuthor(tx: Tx, accountId: string): Promise<Account> {
  const account = await tx
    .selectFrom("accounts")
    .selectAll()
    .where("id", "=", accountId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!account) throw new DomainError("not_found", "Account not found");
  return account;
}

async function findParent(tx: Tx, id: string | null | undefined, viewerId: string): Promise<Status | null> {
  if (!id) return null;
  const parent = await tx.selectFrom("statuses").selectAll().where("id", "=", id).executeTakeFirst();
  if (!parent || parent.reblog_of_id || !(await canView(tx, parent, viewerId))) {
    throw new DomainError("not_found", "The status you are replying to could not be found");
  }
  return parent;
}

/** Posts a status written by a local account. Delivery and fan-out happen after commit, from the queue. */
export async function createLocalStatus(ctx: Ctx, input: NewLocalStatus): Promise<Status> {
  const text = input.text ?? "";
  const spoilerText = input.spoilerText ?? "";
  const mediaIds = input.mediaIds ?? [];
  if (!text.trim() && mediaIds.length === 0 && !input.poll) {
    throw new DomainError("invalid", "Text can't be blank");
  }
  if (countStatusCharacters(text) + [...spoilerText].length > MAX_CHARACTERS) {
    throw new DomainError("invalid", `Text character limit of ${MAX_CHARACTERS} exceeded`);
  }
  if (mediaIds.length > MAX_MEDIA) throw new DomainError("invalid", `Too many media attachments (max ${MAX_MEDIA})`);
  if (input.poll && mediaIds.length) throw new DomainError("invalid", "Cannot attach both media and a poll");

  const parsed = parseStatusText(ctx.config, text);
  const mentioned = await resolveMentions(ctx, parsed.mentions, input.resolveHandle);

  return inTx(ctx, async (tx, emit) => {
    const author = await loadAuthor(tx, input.accountId);
    if (author.domain !== null) throw new DomainError("forbidden", "Only local accounts can post here");
    const parent = await findParent(tx, input.inReplyToId, author.id);
    const visibility = input.visibility ?? (await defaultVisibility(tx, author.id));
    const id = newId();
    const now = nowIso();
    const { uri, url } = localStatusUris(ctx.config, author.username, id);
    const content = renderStatusText(ctx.config, text, mentioned);

    let pollId: string | null = null;
    if (input.poll) pollId = await createPoll(tx, { ...input.poll, accountId: author.id, statusId: id });

    const row: Status = {
      id,
      uri,
      url,
      account_id: author.id,
      local: 1,
      in_reply_to_id: parent?.id ?? null,
      in_reply_to_account_id: parent?.account_id ?? null,
      in_reply_to_uri: parent?.uri ?? null,
      reblog_of_id: null,
      conversation_id: parent ? (parent.conversation_id ?? parent.id) : id,
      text,
      content,
      spoiler_text: spoilerText,
      sensitive: input.sensitive || spoilerText.length > 0 ? 1 : 0,
      visibility,
      language: input.language ?? null,
      application_id: input.applicationId ?? null,
      poll_id: pollId,
      replies_count: 0,
      reblogs_count: 0,
      favourites_count: 0,
      created_at: now,
      edited_at: null,
      deleted_at: null,
    };
    await tx.insertInto("statuses").values(row).execute();
    if (mediaIds.length) await attachMedia(tx, author.id, id, mediaIds);
    await writeMentionsAndTags(tx, id, [...mentioned.values()].map((a) => a.id), parsed.tags);
    await afterInsert(tx, row, parent, emit);
    // The author sees their own post at once; followers get it through fan-out.
    await tx
      .insertInto("home_feed")
      .values({ account_id: author.id, status_id: id, author_id: author.id, created_at: now })
      .onConflict((oc) => oc.doNothing())
      .execute();
    emit({ type: "home.inserted", accountId: author.id, statusId: id });
    await enqueueJob(tx, { kind: "fanout.status", statusId: id });
    await enqueueCardFetch(tx, row, { media: mediaIds.length > 0, poll: !!input.poll });
    if (author.federating) await enqueueJob(tx, { kind: "deliver", activity: { type: "CreateStatus", statusId: id } });
    return row;
  });
}

/**
 * Stores a status that arrived from another server. Idempotent on the object's URI: a
 * redelivered or concurrently delivered Create has one effect and returns the stored row.
 */
export async function ingestRemoteStatus(ctx: Ctx, input: RemoteStatusData): Promise<Status> {
  const existing = await ctx.db.selectFrom("statuses").selectAll().where("uri", "=", input.uri).executeTakeFirst();
  if (existing) return existing;
  try {
    return await inTx(ctx, async (tx, emit) => {
      const author = await loadAuthor(tx, input.accountId);
      const parent = input.inReplyToUri
        ? ((await tx.selectFrom("statuses").selectAll().where("uri", "=", input.inReplyToUri).executeTakeFirst()) ?? null)
        : null;
      const id = newId(clampPublished(input.published));
      let pollId: string | null = null;
      if (input.poll) pollId = await storeRemotePoll(tx, { ...input.poll, accountId: author.id, statusId: id });
      const row: Status = {
        id,
        uri: input.uri,
        url: input.url,
        account_id: author.id,
        local: 0,
        in_reply_to_id: parent?.id ?? null,
        in_reply_to_account_id: parent?.account_id ?? null,
        in_reply_to_uri: input.inReplyToUri,
        reblog_of_id: null,
        conversation_id: parent ? (parent.conversation_id ?? parent.id) : id,
        text: null,
        content: input.content,
        spoiler_text: input.spoilerText,
        sensitive: input.sensitive ? 1 : 0,
        visibility: input.visibility,
        language: input.language,
        application_id: null,
        poll_id: pollId,
        replies_count: 0,
        reblogs_count: 0,
        favourites_count: 0,
        created_at: clampPublished(input.published).toISOString(),
        edited_at: input.updated && input.updated > input.published ? input.updated.toISOString() : null,
        deleted_at: null,
      };
      await tx.insertInto("statuses").values(row).execute();
      if (input.media.length) await storeRemoteMedia(tx, author.id, id, input.media);
      await writeMentionsAndTags(tx, id, input.mentionedAccountIds, input.tags);
      await adoptOrphanReplies(tx, row);
      await afterInsert(tx, row, parent, emit);
      await enqueueJob(tx, { kind: "fanout.status", statusId: id });
      await enqueueCardFetch(tx, row, { media: input.media.length > 0, poll: !!input.poll });
      return row;
    });
  } catch (err) {
    // A concurrent delivery of the same object won the race on the unique URI.
    const raced = await ctx.db.selectFrom("statuses").selectAll().where("uri", "=", input.uri).executeTakeFirst();
    if (raced) return raced;
    throw err;
  }
}

/** A post claiming to be from the future sorts as if posted now. */
function clampPublished(d: Date): Date {
  const now = Date.now();
  return Number.isNaN(d.getTime()) || d.getTime() > now ? new Date(now) : d;
}

async function writeMentionsAndTags(tx: Tx, statusId: string, accountIds: string[], tags: string[]): Promise<void> {
  const unique = [...new Set(accountIds)];
  if (unique.length) {
    await tx
      .insertInto("mentions")
      .values(unique.map((account_id) => ({ status_id: statusId, account_id, silent: 0 })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  const tagIds = await upsertTags(tx, tags);
  if (tagIds.length) {
    await tx
      .insertInto("status_tags")
      .values(tagIds.map((tag_id) => ({ status_id: statusId, tag_id })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** Replies that arrived before their parent get linked to it once it is stored. */
async function adoptOrphanReplies(tx: Tx, parent: Status): Promise<void> {
  const orphans = await tx
    .selectFrom("statuses")
    .select(["id"])
    .where("in_reply_to_uri", "=", parent.uri)
    .where("in_reply_to_id", "is", null)
    .where("deleted_at", "is", null)
    .execute();
  if (!orphans.length) return;
  await tx
    .updateTable("statuses")
    .set({
      in_reply_to_id: parent.id,
      in_reply_to_account_id: parent.account_id,
      conversation_id: parent.conversation_id ?? parent.id,
    })
    .where("id", "in", orphans.map((o) => o.id))
    .execute();
  await tx
    .updateTable("statuses")
    .set((eb) => ({ replies_count: eb("replies_count", "+", orphans.length) }))
    .where("id", "=", parent.id)
    .execute();
}

/** Counters and notifications shared by local and remote posts. */
async function afterInsert(tx: Tx, row: Status, parent: Status | null, emit: (e: DomainEvent) => void): Promise<void> {
  await tx
    .updateTable("accounts")
    .set((eb) => ({ statuses_count: eb("statuses_count", "+", 1), last_status_at: row.created_at }))
    .where("id", "=", row.account_id)
    .execute();
  if (parent) {
    await tx
      .updateTable("statuses")
      .set((eb) => ({ replies_count: eb("replies_count", "+", 1) }))
      .where("id", "=", parent.id)
      .execute();
  }
  const mentioned = await tx.selectFrom("mentions").select("account_id").where("status_id", "=", row.id).execute();
  const notifyIds = new Set(mentioned.map((m) => m.account_id));
  // Unlike Mastodon, a reply notifies the author of the post it answers even without an @mention:
  // people here expect to hear about replies from every server.
  if (parent && row.visibility !== "direct") notifyIds.add(parent.account_id);
  for (const accountId of notifyIds) {
    await notify(
      tx,
      { accountId, fromAccountId: row.account_id, type: "mention", statusId: row.id, dedupeKey: `mention:${row.id}:${accountId}` },
      emit,
    );
  }
  emit({ type: "status.created", statusId: row.id, accountId: row.account_id });
}

async function resolveMentions(
  ctx: Ctx,
  handles: Array<{ username: string; domain: string | null }>,
  resolveHandle: NewLocalStatus["resolveHandle"],
): Promise<Map<string, Account>> {
  const out = new Map<string, Account>();
  const { findAccountByHandle } = await import("./accounts.ts");
  for (const h of handles.slice(0, 20)) {
    const key = h.domain ? `${h.username}@${h.domain}`.toLowerCase() : h.username.toLowerCase();
    if (out.has(key)) continue;
    let account = (await findAccountByHandle(ctx, h.username, h.domain)) ?? null;
    if (!account && h.domain && resolveHandle) {
      account = await resolveHandle(h.username, h.domain).catch(() => null);
    }
    if (account) out.set(key, account);
  }
  return out;
}

export async function defaultVisibility(tx: Tx, accountId: string): Promise<Visibility> {
  const user = await tx.selectFrom("users").select("settings").where("account_id", "=", accountId).executeTakeFirst();
  const v = user ? (JSON.parse(user.settings) as { default_visibility?: string }).default_visibility : undefined;
  return v === "unlisted" || v === "private" || v === "direct" ? v : "public";
}

export async function getStatus(ctx: Ctx, id: string): Promise<Status | undefined> {
  return ctx.db.selectFrom("statuses").selectAll().where("id", "=", id).where("deleted_at", "is", null).executeTakeFirst();
}

export async function getStatusByUri(ctx: Ctx, uri: string): Promise<Status | undefined> {
  return ctx.db.selectFrom("statuses").selectAll().where("uri", "=", uri).executeTakeFirst();
}

/**
 * Deletes a status (local or remote). The row stays as a tombstone so late Likes and
 * fetches find it gone; its reblogs, feed entries and notifications go at once.
 */
export async function deleteStatus(ctx: Ctx, statusId: string, byAccountId: string): Promise<Status> {
  return inTx(ctx, async (tx, emit) => {
    const status = await tx.selectFrom("statuses").selectAll().where("id", "=", statusId).executeTakeFirst();
    if (!status || status.deleted_at) throw new DomainError("not_found", "Record not found");
    if (status.account_id !== byAccountId) throw new DomainError("forbidden", "This action is not allowed");
    const now = nowIso();
    await tx.updateTable("statuses").set({ deleted_at: now }).where("id", "=", statusId).execute();
    const reblogs = await tx
      .selectFrom("statuses")
      .select(["id", "account_id", "visibility", "local"])
      .where("reblog_of_id", "=", statusId)
      .where("deleted_at", "is", null)
      .execute();
    if (reblogs.length) {
      await tx.updateTable("statuses").set({ deleted_at: now }).where("reblog_of_id", "=", statusId).execute();
    }
    const gone = [statusId, ...reblogs.map((r) => r.id)];
    await tx.deleteFrom("home_feed").where("status_id", "in", gone).execute();
    await tx.deleteFrom("notifications").where("status_id", "in", gone).execute();
    await tx.deleteFrom("favourites").where("status_id", "=", statusId).execute();
    await tx.deleteFrom("bookmarks").where("status_id", "=", statusId).execute();
    await tx
      .updateTable("accounts")
      .set((eb) => ({ statuses_count: eb("statuses_count", "-", 1) }))
      .where("id", "=", status.account_id)
      .where("statuses_count", ">", 0)
      .execute();
    if (status.in_reply_to_id) {
      await tx
        .updateTable("statuses")
        .set((eb) => ({ replies_count: eb("replies_count", "-", 1) }))
        .where("id", "=", status.in_reply_to_id)
        .where("replies_count", ">", 0)
        .execute();
    }
    if (status.reblog_of_id) {
      await tx
        .updateTable("statuses")
        .set((eb) => ({ reblogs_count: eb("reblogs_count", "-", 1) }))
        .where("id", "=", status.reblog_of_id)
        .where("reblogs_count", ">", 0)
        .execute();
      await withdrawNotifications(tx, { statusId: status.reblog_of_id, fromAccountId: status.account_id, type: "reblog" });
    }
    const author = await tx.selectFrom("accounts").select(["domain", "federating"]).where("id", "=", status.account_id).executeTakeFirstOrThrow();
    if (author.domain === null && author.federating) {
      const activity = status.reblog_of_id
        ? ({ type: "UndoAnnounce", accountId: status.account_id, statusId: status.reblog_of_id, uri: status.uri } as const)
        : ({ type: "DeleteStatus", statusId } as const);
      await enqueueJob(tx, { kind: "deliver", activity });
    }
    // The boosts went with it: each is a deletion of its own for whoever had it.
    for (const gone of [status, ...reblogs]) {
      emit({ type: "status.deleted", statusId: gone.id, accountId: gone.account_id, visibility: gone.visibility, local: gone.local === 1 });
    }
    return { ...status, deleted_at: now };
  });
}
