import type { Context } from "@fedify/fedify";
import { Announce, Create, Delete, Like, Note, PUBLIC_COLLECTION, Tombstone, Undo, Update, type Activity, type Recipient } from "@fedify/vocab";
import type { Config } from "../config.ts";
import type { Account } from "../domain/accounts.ts";
import type { Ctx } from "../domain/context.ts";
import { remoteFollowers } from "../domain/follows.ts";
import { loadStatuses, type StatusView } from "../domain/hydrate.ts";
import type { Status } from "../domain/statuses.ts";
import type { OutboundActivity } from "../jobs/outbox.ts";
import type { FederationHandle } from "./lookup.ts";
import { addressing, toNote } from "./mappers/note.ts";
import { instant } from "./mappers/time.ts";

/** The outbound activities about statuses, which this module turns into ActivityStreams and delivers. */
export type StatusActivity = Extract<
  OutboundActivity,
  { type: "CreateStatus" | "UpdateStatus" | "DeleteStatus" | "Like" | "UndoLike" | "Announce" | "UndoAnnounce" | "Vote" | "UpdatePoll" }
>;

const STATUS_TYPES = new Set<string>([
  "CreateStatus", "UpdateStatus", "DeleteStatus", "Like", "UndoLike", "Announce", "UndoAnnounce", "Vote", "UpdatePoll",
]);

export function isStatusActivity(a: OutboundActivity): a is StatusActivity {
  return STATUS_TYPES.has(a.type);
}

export type DeliveryOutcome = "sent" | "skipped";

/** What a delivery needs: the app's database and settings, and a Fedify context to send from. */
interface Env {
  ctx: Ctx;
  fctx: Context<Ctx>;
}

/**
 * federation/outbox.ts hands every status activity here. Builds it and gives it to Fedify, which
 * signs it and posts it from its queue to each inbox (a server's shared inbox once, when it has
 * one). Skipped when there is nothing to send any more: the status is gone, the sender stopped
 * federating, or nobody remote is addressed.
 */
export async function deliverStatusActivity(app: FederationHandle, fctx: Context<Ctx>, activity: OutboundActivity): Promise<void> {
  if (!isStatusActivity(activity)) {
    app.ctx.log.warn({ activity: activity.type }, "delivery skipped: no builder for this activity");
    return;
  }
  const outcome = await deliver({ ctx: app.ctx, fctx }, activity);
  if (outcome === "skipped") app.ctx.log.info({ activity: activity.type }, "delivery skipped: nothing left to send");
}

async function deliver(app: Env, a: StatusActivity): Promise<DeliveryOutcome> {
  const ctx = app.ctx;
  switch (a.type) {
    case "CreateStatus":
    case "UpdateStatus":
    case "UpdatePoll": {
      const view = await localView(ctx, a.statusId);
      if (!view) return "skipped";
      const author = view.account.account;
      const activity = a.type === "CreateStatus" ? buildCreate(ctx.config, view) : buildUpdate(ctx.config, view);
      const extra = a.type === "UpdatePoll" ? await remoteVoters(ctx, view.status.poll_id) : [];
      return send(app, author, [...(await audience(ctx, view.status, author)), ...extra], activity, view.status.uri);
    }
    case "DeleteStatus": {
      const status = await ctx.db.selectFrom("statuses").selectAll().where("id", "=", a.statusId).executeTakeFirst();
      if (!status || status.local !== 1) return "skipped";
      const author = await sender(ctx, status.account_id);
      if (!author) return "skipped";
      const mentions = await mentionedAccounts(ctx, status.id);
      const { to, cc } = addressing(status.visibility, author.followers_url, mentions.map((account) => ({ account, admin: false })));
      const activity = new Delete({
        id: new URL(`${status.uri}#delete`),
        actor: new URL(author.uri),
        tos: to,
        ccs: cc,
        object: new Tombstone({ id: new URL(status.uri), deleted: instant(status.deleted_at ?? new Date()) }),
      });
      return send(app, author, await audience(ctx, status, author), activity, status.uri);
    }
    case "Like":
    case "UndoLike": {
      const liker = await sender(ctx, a.accountId);
      const target = await statusWithAuthor(ctx, a.statusId);
      if (!liker || !target || target.author.domain === null) return "skipped";
      const like = new Like({ id: new URL(a.uri), actor: new URL(liker.uri), object: new URL(target.status.uri) });
      const activity = a.type === "Like" ? like : undo(liker, like);
      return send(app, liker, [recipientOf(target.author)], activity, target.status.uri);
    }
    case "Announce": {
      const boost = await ctx.db.selectFrom("statuses").selectAll().where("id", "=", a.reblogId).executeTakeFirst();
      if (!boost || boost.deleted_at || !boost.reblog_of_id) return "skipped";
      const booster = await sender(ctx, boost.account_id);
      const target = await statusWithAuthor(ctx, boost.reblog_of_id);
      if (!booster || !target) return "skipped";
      const activity = buildAnnounce(booster, boost, target.status, target.author);
      return send(app, booster, await boostAudience(ctx, booster, target.author), activity, target.status.uri);
    }
    case "UndoAnnounce": {
      const booster = await sender(ctx, a.accountId);
      const target = await statusWithAuthor(ctx, a.statusId);
      if (!booster || !target) return "skipped";
      const boost = await ctx.db.selectFrom("statuses").selectAll().where("uri", "=", a.uri).executeTakeFirst();
      const announce = buildAnnounce(booster, boost ?? { uri: a.uri, visibility: "public", created_at: new Date().toISOString() }, target.status, target.author);
      return send(app, booster, await boostAudience(ctx, booster, target.author), undo(booster, announce), target.status.uri);
    }
    case "Vote":
      return deliverVote(app, a);
  }
}

/** Create(Note): its id is the note's with /activity, as on Mastodon; a status is created once. */
export function buildCreate(config: Pick<Config, "url">, view: StatusView): Create {
  const note = toNote(config, view);
  return new Create({
    id: new URL(`${view.status.uri}/activity`),
    actor: note.attributionId,
    published: note.published,
    tos: note.toIds,
    ccs: note.ccIds,
    object: note,
  });
}

/** Each edit (or new poll count) is its own activity, so it gets a fresh id. */
export function buildUpdate(config: Pick<Config, "url">, view: StatusView): Update {
  const note = toNote(config, view);
  return new Update({
    id: new URL(`${view.status.uri}#updates/${crypto.randomUUID()}`),
    actor: note.attributionId,
    published: instant(new Date()),
    tos: note.toIds,
    ccs: note.ccIds,
    object: note,
  });
}

/** A boost's row URI is the Announce's id: each boost is a new row, so a new id. */
export function buildAnnounce(
  booster: Account,
  boost: Pick<Status, "uri" | "visibility" | "created_at">,
  original: Pick<Status, "uri">,
  originalAuthor: Account,
): Announce {
  const followers = booster.followers_url ? [new URL(booster.followers_url)] : [];
  const author = new URL(originalAuthor.uri);
  const [to, cc] =
    boost.visibility === "unlisted"
      ? [followers, [PUBLIC_COLLECTION, author]]
      : boost.visibility === "private"
        ? [followers, [author]]
        : [[PUBLIC_COLLECTION], [author, ...followers]];
  return new Announce({
    id: new URL(boost.uri),
    actor: new URL(booster.uri),
    published: instant(boost.created_at),
    tos: to,
    ccs: cc,
    object: new URL(original.uri),
  });
}

function undo(actor: Account, inner: Activity): Undo {
  return new Undo({
    id: new URL(`${actor.uri}#undo/${crypto.randomUUID()}`),
    actor: new URL(actor.uri),
    tos: inner.toIds,
    ccs: inner.ccIds,
    object: inner,
  });
}

/** Mastodon's vote: one Create(Note{name}) per chosen option, answering the Question, to its author only. */
async function deliverVote(app: Env, a: Extract<StatusActivity, { type: "Vote" }>): Promise<DeliveryOutcome> {
  const ctx = app.ctx;
  const voter = await sender(ctx, a.accountId);
  const poll = await ctx.db.selectFrom("polls").selectAll().where("id", "=", a.pollId).executeTakeFirst();
  if (!voter || !poll?.status_id || !a.voteIds.length) return "skipped";
  const target = await statusWithAuthor(ctx, poll.status_id);
  if (!target || target.author.domain === null) return "skipped";
  const titles = JSON.parse(poll.options) as string[];
  const votes = await ctx.db.selectFrom("poll_votes").selectAll().where("id", "in", a.voteIds).execute();
  const author = new URL(target.author.uri);
  let outcome: DeliveryOutcome = "skipped";
  for (const vote of votes) {
    const title = titles[vote.choice];
    if (title === undefined) continue;
    const id = new URL(`${voter.uri}#votes/${vote.id}`);
    const note = new Note({
      id,
      attribution: new URL(voter.uri),
      name: title,
      replyTarget: new URL(target.status.uri),
      to: author,
      published: instant(vote.created_at),
    });
    const create = new Create({ id: new URL(`${id.href}/activity`), actor: new URL(voter.uri), to: author, object: note });
    outcome = await send(app, voter, [recipientOf(target.author)], create, target.status.uri);
  }
  return outcome;
}

async function send(app: Env, from: Account, recipients: Recipient[], activity: Activity, orderingKey: string): Promise<DeliveryOutcome> {
  const unique = [...new Map(recipients.filter((r) => r.inboxId).map((r) => [r.inboxId!.href, r])).values()];
  if (!unique.length) return "skipped";
  await app.fctx.sendActivity({ identifier: from.username }, unique, activity, {
    preferSharedInbox: true,
    excludeBaseUris: [new URL(app.ctx.config.url.origin)],
    // Create, Update and Delete of one post reach each server in that order.
    orderingKey,
  });
  return "sent";
}

/** Who gets a post: followers (unless direct), mentioned remote accounts and, when public, the remote author it answers. */
async function audience(ctx: Ctx, status: Status, author: Account): Promise<Recipient[]> {
  const out: Recipient[] = (await mentionedAccounts(ctx, status.id)).filter((a) => a.domain !== null).map(recipientOf);
  if (status.visibility === "direct") return out;
  for (const f of await remoteFollowers(ctx, author.id)) {
    out.push({ id: new URL(f.uri), inboxId: new URL(f.inboxUrl), endpoints: f.sharedInboxUrl ? { sharedInbox: new URL(f.sharedInboxUrl) } : null });
  }
  // As Mastodon: the author replied to hears of a followers-only reply only when mentioned.
  if (status.in_reply_to_account_id && status.visibility !== "private") {
    const parentAuthor = await ctx.db.selectFrom("accounts").selectAll().where("id", "=", status.in_reply_to_account_id).executeTakeFirst();
    if (parentAuthor && parentAuthor.domain !== null && !parentAuthor.deleted_at) out.push(recipientOf(parentAuthor));
  }
  return out;
}

async function boostAudience(ctx: Ctx, booster: Account, originalAuthor: Account): Promise<Recipient[]> {
  const out: Recipient[] = (await remoteFollowers(ctx, booster.id)).map((f) => ({
    id: new URL(f.uri),
    inboxId: new URL(f.inboxUrl),
    endpoints: f.sharedInboxUrl ? { sharedInbox: new URL(f.sharedInboxUrl) } : null,
  }));
  if (originalAuthor.domain !== null) out.push(recipientOf(originalAuthor));
  return out;
}

async function remoteVoters(ctx: Ctx, pollId: string | null): Promise<Recipient[]> {
  if (!pollId) return [];
  const rows = await ctx.db
    .selectFrom("poll_votes")
    .innerJoin("accounts", "accounts.id", "poll_votes.account_id")
    .selectAll("accounts")
    .where("poll_votes.poll_id", "=", pollId)
    .where("accounts.domain", "is not", null)
    .where("accounts.deleted_at", "is", null)
    .execute();
  return rows.map(recipientOf);
}

function recipientOf(a: Account): Recipient {
  return {
    id: new URL(a.uri),
    inboxId: a.inbox_url ? new URL(a.inbox_url) : null,
    endpoints: a.shared_inbox_url ? { sharedInbox: new URL(a.shared_inbox_url) } : null,
  };
}

async function mentionedAccounts(ctx: Ctx, statusId: string): Promise<Account[]> {
  return ctx.db
    .selectFrom("mentions")
    .innerJoin("accounts", "accounts.id", "mentions.account_id")
    .selectAll("accounts")
    .where("mentions.status_id", "=", statusId)
    .where("accounts.deleted_at", "is", null)
    .execute();
}

/** A local account that shares with the fediverse; deliveries from anyone else are dropped. */
async function sender(ctx: Ctx, accountId: string): Promise<Account | null> {
  const a = await ctx.db.selectFrom("accounts").selectAll().where("id", "=", accountId).executeTakeFirst();
  return a && a.domain === null && a.federating === 1 && !a.deleted_at ? a : null;
}

async function statusWithAuthor(ctx: Ctx, statusId: string): Promise<{ status: Status; author: Account } | null> {
  const status = await ctx.db.selectFrom("statuses").selectAll().where("id", "=", statusId).executeTakeFirst();
  if (!status) return null;
  const author = await ctx.db.selectFrom("accounts").selectAll().where("id", "=", status.account_id).executeTakeFirst();
  return author ? { status, author } : null;
}

/** A live local status, hydrated, whose author federates. */
async function localView(ctx: Ctx, statusId: string): Promise<StatusView | null> {
  const [view] = await loadStatuses(ctx, [statusId], null);
  if (!view || view.status.local !== 1 || view.status.reblog_of_id) return null;
  const a = view.account.account;
  return a.domain === null && a.federating === 1 ? view : null;
}
