import { sql } from "kysely";
import type { Tx } from "../db/index.ts";
import { enqueueJob, type OutboundActivity } from "../jobs/outbox.ts";
import type { Account } from "./accounts.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import type { DomainEvent } from "./events.ts";
import { loadRelationships, type RelationshipView } from "./hydrate.ts";
import { newId, nowIso } from "./ids.ts";
import { claimActivity } from "./inbox-activities.ts";
import { notify } from "./notifications.ts";
import { inTx } from "./tx.ts";

/*
 * The follow graph, both ways. A follow of a local account is settled here at once; a follow of
 * a remote account waits as a follow_request until the remote server answers with Accept (even
 * when the remote account is unlocked, as Mastodon does). Deliveries are queued in the same
 * transaction as the change, so a crash never loses an Accept or an Undo.
 */

export interface FollowOptions {
  /** show the target's boosts in the home timeline (default true) */
  reblogs?: boolean;
  /** notify about the target's new posts (default false) */
  notify?: boolean;
}

type Emit = (e: DomainEvent) => void;

/** The relationship of `viewerId` to `targetId`, as the API shows it after a change. */
export async function relationship(ctx: Ctx, viewerId: string, targetId: string): Promise<RelationshipView> {
  const [rel] = await loadRelationships(ctx, viewerId, [targetId]);
  return rel;
}

export async function followAccount(
  ctx: Ctx,
  followerId: string,
  targetId: string,
  options: FollowOptions = {},
): Promise<RelationshipView> {
  if (followerId === targetId) throw new DomainError("forbidden", "You cannot follow yourself");
  await inTx(ctx, async (tx, emit) => {
    const follower = await liveAccount(tx, followerId);
    const target = await liveAccount(tx, targetId);
    if (!follower || follower.domain !== null) throw new DomainError("forbidden", "Only local accounts can follow");
    if (!target) throw new DomainError("not_found", "Record not found");
    if (await blockedEitherWay(tx, followerId, targetId)) throw new DomainError("forbidden", "This action is not allowed");
    const flags = {
      ...(options.reblogs !== undefined ? { show_reblogs: options.reblogs ? 1 : 0 } : {}),
      ...(options.notify !== undefined ? { notify: options.notify ? 1 : 0 } : {}),
    };
    for (const table of ["follows", "follow_requests"] as const) {
      const existing = await pair(tx, table, followerId, targetId);
      if (existing) {
        if (Object.keys(flags).length) await tx.updateTable(table).set(flags).where("id", "=", existing.id).execute();
        return;
      }
    }
    const row = {
      id: newId(),
      account_id: followerId,
      target_account_id: targetId,
      show_reblogs: options.reblogs === false ? 0 : 1,
      notify: options.notify ? 1 : 0,
      created_at: nowIso(),
    };
    if (target.domain === null) {
      if (target.locked) {
        await tx.insertInto("follow_requests").values({ ...row, uri: null }).execute();
        await notify(tx, { accountId: targetId, fromAccountId: followerId, type: "follow_request" }, emit);
      } else {
        await startFollow(tx, { ...row, uri: null }, emit);
      }
      return;
    }
    if (!follower.federating) {
      throw new DomainError("forbidden", "Turn on fediverse sharing to follow accounts on other servers");
    }
    // A fresh id per Follow: follow, unfollow, follow again are three different activities.
    const uri = `${follower.uri}#follows/${row.id}`;
    await tx.insertInto("follow_requests").values({ ...row, uri }).execute();
    await deliver(tx, { type: "Follow", followId: row.id, accountId: followerId, targetAccountId: targetId, uri });
  });
  return relationship(ctx, followerId, targetId);
}

export async function unfollowAccount(ctx: Ctx, followerId: string, targetId: string): Promise<RelationshipView> {
  await inTx(ctx, async (tx) => {
    const follower = await liveAccount(tx, followerId);
    const target = await tx.selectFrom("accounts").selectAll().where("id", "=", targetId).executeTakeFirst();
    if (!follower || !target) throw new DomainError("not_found", "Record not found");
    const removed = await endFollow(tx, followerId, targetId);
    const request = await tx
      .deleteFrom("follow_requests")
      .where("account_id", "=", followerId)
      .where("target_account_id", "=", targetId)
      .returningAll()
      .executeTakeFirst();
    const ended = removed ?? request;
    if (ended && target.domain !== null && target.deleted_at === null) {
      await deliver(tx, {
        type: "UndoFollow",
        accountId: followerId,
        targetAccountId: targetId,
        uri: ended.uri ?? `${follower.uri}#follows/${ended.id}`,
      });
    }
  });
  return relationship(ctx, followerId, targetId);
}

/** Removes a pending request of `requesterId` to follow `accountId`, for answering it. */
async function takeFollowRequest(tx: Tx, requesterId: string, accountId: string) {
  const request = await tx
    .deleteFrom("follow_requests")
    .where("account_id", "=", requesterId)
    .where("target_account_id", "=", accountId)
    .returningAll()
    .executeTakeFirst();
  if (!request) throw new DomainError("not_found", "Follow request not found");
  return request;
}

async function isRemote(tx: Tx, accountId: string): Promise<boolean> {
  const row = await tx.selectFrom("accounts").select("domain").where("id", "=", accountId).executeTakeFirst();
  return row?.domain != null;
}

/** The target of a follow request lets it through. */
export async function authorizeFollowRequest(ctx: Ctx, accountId: string, requesterId: string): Promise<RelationshipView> {
  await inTx(ctx, async (tx, emit) => {
    const request = await takeFollowRequest(tx, requesterId, accountId);
    await startFollow(tx, { ...request, id: newId(), created_at: nowIso() }, emit, { notifyTarget: false });
    if (await isRemote(tx, requesterId)) {
      await deliver(tx, { type: "AcceptFollow", accountId, followerId: requesterId, followUri: request.uri });
    }
  });
  return relationship(ctx, accountId, requesterId);
}

export async function rejectFollowRequest(ctx: Ctx, accountId: string, requesterId: string): Promise<RelationshipView> {
  await inTx(ctx, async (tx) => {
    const request = await takeFollowRequest(tx, requesterId, accountId);
    if (await isRemote(tx, requesterId)) {
      await deliver(tx, { type: "RejectFollow", accountId, followerId: requesterId, followUri: request.uri });
    }
  });
  return relationship(ctx, accountId, requesterId);
}

/** Mastodon's "remove from followers": ends someone's follow of `accountId` (a Reject to their server). */
export async function removeFromFollowers(ctx: Ctx, accountId: string, followerId: string): Promise<RelationshipView> {
  await inTx(ctx, async (tx) => {
    const removed = await endFollow(tx, followerId, accountId);
    if (!removed) return;
    if (await isRemote(tx, followerId)) {
      await deliver(tx, { type: "RejectFollow", accountId, followerId, followUri: removed.uri });
    }
  });
  return relationship(ctx, accountId, followerId);
}

/**
 * Ends every follow and follow request between two accounts, both ways, in the caller's
 * transaction: what a block does. With `tell`, remote accounts hear it as they would from
 * Mastodon: Undo(Follow) for a local account's follow of them, Reject(Follow) for theirs of a
 * local account. Without, nothing is sent (the remote side is the one who blocked).
 */
export async function severFollows(tx: Tx, a: string, b: string, options: { tell: boolean }): Promise<void> {
  const rows = await tx.selectFrom("accounts").select(["id", "uri", "domain", "deleted_at"]).where("id", "in", [a, b]).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const [from, to] of [[a, b], [b, a]]) {
    const follow = await endFollow(tx, from, to);
    const request = await tx
      .deleteFrom("follow_requests")
      .where("account_id", "=", from)
      .where("target_account_id", "=", to)
      .returningAll()
      .executeTakeFirst();
    const ended = follow ?? request;
    const follower = byId.get(from);
    const target = byId.get(to);
    if (!options.tell || !ended || !follower || !target) continue;
    if (follower.domain === null && target.domain !== null && target.deleted_at === null) {
      await deliver(tx, { type: "UndoFollow", accountId: from, targetAccountId: to, uri: ended.uri ?? `${follower.uri}#follows/${ended.id}` });
    } else if (follower.domain !== null && target.domain === null) {
      await deliver(tx, { type: "RejectFollow", accountId: to, followerId: from, followUri: ended.uri });
    }
  }
}

export interface FollowRequestPage {
  accountIds: string[];
  /** pass as `before` to get the next (older) page */
  next: string | null;
}

/** Pending requests to follow `accountId`, newest first. */
export async function listFollowRequests(
  ctx: Ctx,
  accountId: string,
  page: { before?: string | null; limit?: number } = {},
): Promise<FollowRequestPage> {
  const limit = Math.min(Math.max(page.limit ?? 40, 1), 80);
  let q = ctx.db
    .selectFrom("follow_requests")
    .select(["id", "account_id"])
    .where("target_account_id", "=", accountId)
    .orderBy("id", "desc")
    .limit(limit);
  if (page.before) q = q.where("id", "<", page.before);
  const rows = await q.execute();
  return { accountIds: rows.map((r) => r.account_id), next: rows.length === limit ? rows[rows.length - 1].id : null };
}

// ---------------------------------------------------------------------------------------------
// Inbound: what a remote server told us. Each takes the activity id and applies it at most once.

export type InboundFollowResult = "following" | "requested" | "rejected" | "ignored" | "duplicate";

export async function receiveFollow(
  ctx: Ctx,
  input: { followerId: string; targetId: string; uri: string; activityId: string },
): Promise<InboundFollowResult> {
  return inTx(ctx, async (tx, emit) => {
    if (!(await claimActivity(tx, input.activityId))) return "duplicate";
    const target = await liveAccount(tx, input.targetId);
    if (!target || target.domain !== null || !target.federating) return "ignored";
    const { followerId, targetId, uri } = input;
    if (await blockedEitherWay(tx, followerId, targetId)) {
      await deliver(tx, { type: "RejectFollow", accountId: targetId, followerId, followUri: uri });
      return "rejected";
    }
    const existing = await pair(tx, "follows", followerId, targetId);
    if (existing) {
      // Their server lost track of our Accept (or never got it): say it again.
      await tx.updateTable("follows").set({ uri }).where("id", "=", existing.id).execute();
      await deliver(tx, { type: "AcceptFollow", accountId: targetId, followerId, followUri: uri });
      return "following";
    }
    const pending = await pair(tx, "follow_requests", followerId, targetId);
    if (pending) {
      await tx.updateTable("follow_requests").set({ uri }).where("id", "=", pending.id).execute();
      return "requested";
    }
    const row = { id: newId(), account_id: followerId, target_account_id: targetId, uri, show_reblogs: 1, notify: 0, created_at: nowIso() };
    if (target.locked) {
      await tx.insertInto("follow_requests").values(row).execute();
      await notify(tx, { accountId: targetId, fromAccountId: followerId, type: "follow_request" }, emit);
      return "requested";
    }
    await startFollow(tx, row, emit);
    await deliver(tx, { type: "AcceptFollow", accountId: targetId, followerId, followUri: uri });
    return "following";
  });
}

/**
 * Which follow an Accept or Reject answers. `requestUri` is the id of our Follow when the peer
 * named it; `followerId` the local follower when the peer only echoed actor and object. Either
 * way the follow must be one we sent to `remoteId`, the answering actor.
 */
export interface FollowAnswer {
  remoteId: string;
  requestUri?: string | null;
  followerId?: string | null;
  activityId: string;
}

export async function receiveFollowAccept(ctx: Ctx, answer: FollowAnswer): Promise<"accepted" | "unknown" | "duplicate"> {
  return inTx(ctx, async (tx, emit) => {
    if (!(await claimActivity(tx, answer.activityId))) return "duplicate";
    const request = await findAnswered(tx, "follow_requests", answer);
    if (!request) return (await findAnswered(tx, "follows", answer)) ? "accepted" : "unknown";
    await tx.deleteFrom("follow_requests").where("id", "=", request.id).execute();
    await startFollow(tx, { ...request, id: newId(), created_at: nowIso() }, emit);
    return "accepted";
  });
}

export async function receiveFollowReject(ctx: Ctx, answer: FollowAnswer): Promise<"rejected" | "unknown" | "duplicate"> {
  return inTx(ctx, async (tx) => {
    if (!(await claimActivity(tx, answer.activityId))) return "duplicate";
    const request = await findAnswered(tx, "follow_requests", answer);
    if (request) {
      await tx.deleteFrom("follow_requests").where("id", "=", request.id).execute();
      return "rejected";
    }
    // A Reject after an Accept: they removed us from their followers.
    const follow = await findAnswered(tx, "follows", answer);
    if (!follow) return "unknown";
    await endFollow(tx, follow.account_id, follow.target_account_id);
    return "rejected";
  });
}

/**
 * Undo(Follow) from `followerId`: the Follow is named by id, or by its local target. The activity
 * is only claimed when a follow matched, so an Undo whose object turns out to be something else
 * (a Like known only by id) is still free for the next handler to try.
 */
export async function receiveUnfollow(
  ctx: Ctx,
  input: { followerId: string; followUri?: string | null; targetId?: string | null; activityId: string },
): Promise<"removed" | "unknown" | "duplicate"> {
  if (!input.followUri && !input.targetId) return "unknown";
  return inTx(ctx, async (tx) => {
    const matches = await Promise.all(
      (["follows", "follow_requests"] as const).map((table) =>
        tx
          .selectFrom(table)
          .selectAll()
          .where("account_id", "=", input.followerId)
          .where((eb) => {
            const ors = [];
            if (input.followUri) ors.push(eb("uri", "=", input.followUri));
            if (input.targetId) ors.push(eb("target_account_id", "=", input.targetId));
            return eb.or(ors);
          })
          .execute(),
      ),
    );
    const [follows, requests] = matches;
    if (!follows.length && !requests.length) return "unknown";
    if (!(await claimActivity(tx, input.activityId))) return "duplicate";
    for (const row of follows) await endFollow(tx, row.account_id, row.target_account_id);
    for (const row of requests) await tx.deleteFrom("follow_requests").where("id", "=", row.id).execute();
    return "removed";
  });
}

// ---------------------------------------------------------------------------------------------
// Collections, for the actor's followers/following and for delivery.

export interface UriPage {
  uris: string[];
  /** the cursor of the next page, or null on the last one */
  next: string | null;
}

export function followersPage(ctx: Ctx, accountId: string, before: string | null, limit = 40): Promise<UriPage> {
  return followUriPage(ctx, "followers", accountId, before, limit);
}

export function followingPage(ctx: Ctx, accountId: string, before: string | null, limit = 40): Promise<UriPage> {
  return followUriPage(ctx, "following", accountId, before, limit);
}

/** A page of the actor URIs on one side of an account's follows, newest follow first. */
async function followUriPage(
  ctx: Ctx,
  side: "followers" | "following",
  accountId: string,
  before: string | null,
  limit: number,
): Promise<UriPage> {
  const [mine, theirs] = side === "followers"
    ? (["follows.target_account_id", "follows.account_id"] as const)
    : (["follows.account_id", "follows.target_account_id"] as const);
  let q = ctx.db
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", theirs)
    .select(["follows.id as id", "accounts.uri as uri"])
    .where(mine, "=", accountId)
    .where("accounts.deleted_at", "is", null)
    .orderBy("follows.id", "desc")
    .limit(limit);
  if (before) q = q.where("follows.id", "<", before);
  const rows = await q.execute();
  return { uris: rows.map((r) => r.uri), next: rows.length === limit ? rows[rows.length - 1].id : null };
}

export interface RemoteFollower {
  uri: string;
  inboxUrl: string;
  sharedInboxUrl: string | null;
}

/**
 * The remote followers of a local account, for fan-out. `origin` narrows them to one server
 * (FEP-8fcf collection synchronisation asks for that).
 */
export async function remoteFollowers(ctx: Ctx, accountId: string, origin?: string): Promise<RemoteFollower[]> {
  const rows = await ctx.db
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.account_id")
    .select(["accounts.uri as uri", "accounts.inbox_url as inbox", "accounts.shared_inbox_url as shared"])
    .where("follows.target_account_id", "=", accountId)
    .where("accounts.domain", "is not", null)
    .where("accounts.deleted_at", "is", null)
    .where("accounts.inbox_url", "is not", null)
    .execute();
  return rows
    .filter((r) => !origin || URL.parse(r.uri)?.origin === origin)
    .map((r) => ({ uri: r.uri, inboxUrl: r.inbox!, sharedInboxUrl: r.shared }));
}

// ---------------------------------------------------------------------------------------------

type PairTable = "follows" | "follow_requests";

async function pair(tx: Tx, table: PairTable, followerId: string, targetId: string) {
  return tx
    .selectFrom(table)
    .selectAll()
    .where("account_id", "=", followerId)
    .where("target_account_id", "=", targetId)
    .executeTakeFirst();
}

async function findAnswered(tx: Tx, table: PairTable, answer: FollowAnswer) {
  if (!answer.requestUri && !answer.followerId) return undefined;
  return tx
    .selectFrom(table)
    .selectAll()
    .where("target_account_id", "=", answer.remoteId)
    .where((eb) => {
      const ors = [];
      if (answer.requestUri) ors.push(eb("uri", "=", answer.requestUri));
      if (answer.followerId) ors.push(eb("account_id", "=", answer.followerId));
      return eb.or(ors);
    })
    .executeTakeFirst();
}

interface FollowRow {
  id: string;
  account_id: string;
  target_account_id: string;
  uri: string | null;
  show_reblogs: number;
  notify: number;
  created_at: string;
}

async function startFollow(tx: Tx, row: FollowRow, emit: Emit, opts: { notifyTarget?: boolean } = {}): Promise<void> {
  const inserted = await tx
    .insertInto("follows")
    .values(row)
    .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return;
  await bumpCounts(tx, row.account_id, row.target_account_id, 1);
  if (opts.notifyTarget ?? true) {
    await notify(tx, { accountId: row.target_account_id, fromAccountId: row.account_id, type: "follow" }, emit);
  }
}

/** Removes a follow and what hung off it; returns the removed row. */
async function endFollow(tx: Tx, followerId: string, targetId: string) {
  const removed = await tx
    .deleteFrom("follows")
    .where("account_id", "=", followerId)
    .where("target_account_id", "=", targetId)
    .returningAll()
    .executeTakeFirst();
  if (!removed) return undefined;
  await bumpCounts(tx, followerId, targetId, -1);
  // Their posts leave the former follower's home timeline, as on Mastodon.
  await tx.deleteFrom("home_feed").where("account_id", "=", followerId).where("author_id", "=", targetId).execute();
  return removed;
}

async function bumpCounts(tx: Tx, followerId: string, targetId: string, delta: number): Promise<void> {
  await tx
    .updateTable("accounts")
    .set({ following_count: sql<number>`CASE WHEN following_count + ${delta} < 0 THEN 0 ELSE following_count + ${delta} END` })
    .where("id", "=", followerId)
    .execute();
  await tx
    .updateTable("accounts")
    .set({ followers_count: sql<number>`CASE WHEN followers_count + ${delta} < 0 THEN 0 ELSE followers_count + ${delta} END` })
    .where("id", "=", targetId)
    .execute();
}

async function liveAccount(tx: Tx, id: string): Promise<Account | undefined> {
  return tx.selectFrom("accounts").selectAll().where("id", "=", id).where("deleted_at", "is", null).executeTakeFirst();
}

async function blockedEitherWay(tx: Tx, a: string, b: string): Promise<boolean> {
  const row = await tx
    .selectFrom("blocks")
    .select("id")
    .where((eb) =>
      eb.or([
        eb.and([eb("account_id", "=", a), eb("target_account_id", "=", b)]),
        eb.and([eb("account_id", "=", b), eb("target_account_id", "=", a)]),
      ]),
    )
    .executeTakeFirst();
  return !!row;
}

async function deliver(tx: Tx, activity: OutboundActivity): Promise<void> {
  await enqueueJob(tx, { kind: "deliver", activity });
}
