import type { Selectable } from "kysely";
import type { Tx } from "../db/index.ts";
import type { PollTable } from "../db/schema.ts";
import { enqueueJob } from "../jobs/outbox.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { newId, nowIso } from "./ids.ts";
import { notify } from "./notifications.ts";
import { inTx } from "./tx.ts";

export type Poll = Selectable<PollTable>;

export const POLL_LIMITS = {
  maxOptions: 4,
  maxCharactersPerOption: 50,
  minExpiration: 300,
  maxExpiration: 2629746,
} as const;

export interface NewPoll {
  options: string[];
  /** seconds */
  expiresIn: number;
  multiple?: boolean;
}

export interface RemotePollData {
  options: Array<{ title: string; votes: number }>;
  multiple: boolean;
  expiresAt: Date | null;
  votersCount: number | null;
}

export function validateNewPoll(p: NewPoll): void {
  if (!Array.isArray(p.options) || p.options.length < 2) throw new DomainError("invalid", "Poll must have at least 2 options");
  if (p.options.length > POLL_LIMITS.maxOptions) throw new DomainError("invalid", `Poll can have at most ${POLL_LIMITS.maxOptions} options`);
  if (p.options.some((o) => !o.trim() || [...o].length > POLL_LIMITS.maxCharactersPerOption)) {
    throw new DomainError("invalid", `Poll options must be 1–${POLL_LIMITS.maxCharactersPerOption} characters`);
  }
  if (new Set(p.options.map((o) => o.trim())).size !== p.options.length) throw new DomainError("invalid", "Poll options must be unique");
  if (!Number.isFinite(p.expiresIn) || p.expiresIn < POLL_LIMITS.minExpiration || p.expiresIn > POLL_LIMITS.maxExpiration) {
    throw new DomainError("invalid", "Poll duration is out of range");
  }
}

export async function createPoll(tx: Tx, p: NewPoll & { accountId: string; statusId: string }): Promise<string> {
  validateNewPoll(p);
  const id = newId();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + p.expiresIn * 1000);
  await tx
    .insertInto("polls")
    .values({
      id,
      status_id: p.statusId,
      account_id: p.accountId,
      options: JSON.stringify(p.options.map((o) => o.trim())),
      cached_tallies: JSON.stringify(p.options.map(() => 0)),
      multiple: p.multiple ? 1 : 0,
      expires_at: expiresAt.toISOString(),
      votes_count: 0,
      voters_count: 0,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    })
    .execute();
  await enqueueJob(tx, { kind: "poll.expire", pollId: id }, expiresAt);
  return id;
}

export async function storeRemotePoll(tx: Tx, p: RemotePollData & { accountId: string; statusId: string }): Promise<string> {
  const id = newId();
  const now = nowIso();
  const options = p.options.slice(0, 20);
  await tx
    .insertInto("polls")
    .values({
      id,
      status_id: p.statusId,
      account_id: p.accountId,
      options: JSON.stringify(options.map((o) => o.title)),
      cached_tallies: JSON.stringify(options.map((o) => Math.max(0, Math.floor(o.votes || 0)))),
      multiple: p.multiple ? 1 : 0,
      expires_at: p.expiresAt ? p.expiresAt.toISOString() : null,
      votes_count: options.reduce((n, o) => n + Math.max(0, Math.floor(o.votes || 0)), 0),
      voters_count: p.votersCount,
      created_at: now,
      updated_at: now,
    })
    .execute();
  // Local voters hear when a remote poll they voted in closes.
  if (p.expiresAt && p.expiresAt.getTime() > Date.now()) await enqueueJob(tx, { kind: "poll.expire", pollId: id }, p.expiresAt);
  return id;
}

/** New counts from the poll's origin (an Update of the Question). Options never change here. */
export async function updateRemotePollTallies(ctx: Ctx, pollId: string, p: RemotePollData): Promise<void> {
  const poll = await ctx.db.selectFrom("polls").selectAll().where("id", "=", pollId).executeTakeFirst();
  if (!poll) return;
  const titles = JSON.parse(poll.options) as string[];
  const byTitle = new Map(p.options.map((o) => [o.title, Math.max(0, Math.floor(o.votes || 0))]));
  const tallies = titles.map((t, i) => byTitle.get(t) ?? (JSON.parse(poll.cached_tallies) as number[])[i] ?? 0);
  await ctx.db
    .updateTable("polls")
    .set({
      cached_tallies: JSON.stringify(tallies),
      votes_count: tallies.reduce((a, b) => a + b, 0),
      voters_count: p.votersCount ?? poll.voters_count,
      expires_at: p.expiresAt ? p.expiresAt.toISOString() : poll.expires_at,
      updated_at: nowIso(),
    })
    .where("id", "=", pollId)
    .execute();
}

export function isExpired(poll: Pick<Poll, "expires_at">, now = Date.now()): boolean {
  return poll.expires_at !== null && Date.parse(poll.expires_at) <= now;
}

async function applyVotes(tx: Tx, poll: Poll, accountId: string, choices: number[], uris: (string | null)[]): Promise<string[]> {
  const now = nowIso();
  const ids = choices.map(() => newId());
  await tx
    .insertInto("poll_votes")
    .values(choices.map((choice, i) => ({ id: ids[i], poll_id: poll.id, account_id: accountId, choice, uri: uris[i] ?? null, created_at: now })))
    .execute();
  const tallies = JSON.parse(poll.cached_tallies) as number[];
  for (const c of choices) tallies[c] = (tallies[c] ?? 0) + 1;
  await tx
    .updateTable("polls")
    .set({
      cached_tallies: JSON.stringify(tallies),
      votes_count: poll.votes_count + choices.length,
      voters_count: (poll.voters_count ?? 0) + 1,
      updated_at: now,
    })
    .where("id", "=", poll.id)
    .execute();
  return ids;
}

/** A local account votes, in a local poll or a remote one (then the vote is delivered to its author). */
export async function voteInPoll(ctx: Ctx, accountId: string, pollId: string, choices: number[]): Promise<Poll> {
  return inTx(ctx, async (tx) => {
    const poll = await tx.selectFrom("polls").selectAll().where("id", "=", pollId).executeTakeFirst();
    if (!poll) throw new DomainError("not_found", "Record not found");
    if (isExpired(poll)) throw new DomainError("invalid", "The poll has already ended");
    if (poll.account_id === accountId) throw new DomainError("invalid", "You cannot vote in your own poll");
    const titles = JSON.parse(poll.options) as string[];
    const unique = [...new Set(choices)];
    if (unique.length === 0 || unique.some((c) => !Number.isInteger(c) || c < 0 || c >= titles.length)) {
      throw new DomainError("invalid", "Invalid choice");
    }
    if (!poll.multiple && unique.length > 1) throw new DomainError("invalid", "This poll allows only one choice");
    const already = await tx.selectFrom("poll_votes").select("id").where("poll_id", "=", pollId).where("account_id", "=", accountId).executeTakeFirst();
    if (already) throw new DomainError("invalid", "You have already voted on this poll");
    const voteIds = await applyVotes(tx, poll, accountId, unique, []);
    const owner = await tx.selectFrom("accounts").select(["domain"]).where("id", "=", poll.account_id).executeTakeFirstOrThrow();
    if (owner.domain !== null) {
      await enqueueJob(tx, { kind: "deliver", activity: { type: "Vote", accountId, pollId, voteIds } });
    } else if (poll.status_id) {
      await enqueueJob(tx, { kind: "deliver", activity: { type: "UpdatePoll", statusId: poll.status_id } });
    }
    return tx.selectFrom("polls").selectAll().where("id", "=", pollId).executeTakeFirstOrThrow();
  });
}

/**
 * A remote account's vote on a local poll (a Note with `name` replying to the Question).
 * Idempotent on the vote's URI; votes after expiry, on unknown options, or a second choice in a
 * single-choice poll are refused.
 */
export async function recordRemoteVote(
  ctx: Ctx,
  v: { accountId: string; pollId: string; optionTitle: string; uri: string },
): Promise<"recorded" | "duplicate" | "rejected"> {
  return inTx(ctx, async (tx) => {
    const poll = await tx.selectFrom("polls").selectAll().where("id", "=", v.pollId).executeTakeFirst();
    if (!poll || isExpired(poll)) return "rejected";
    const owner = await tx.selectFrom("accounts").select("domain").where("id", "=", poll.account_id).executeTakeFirst();
    if (!owner || owner.domain !== null) return "rejected";
    const seen = await tx.selectFrom("poll_votes").select("id").where("uri", "=", v.uri).executeTakeFirst();
    if (seen) return "duplicate";
    const choice = (JSON.parse(poll.options) as string[]).indexOf(v.optionTitle);
    if (choice < 0) return "rejected";
    const mine = await tx.selectFrom("poll_votes").select(["choice"]).where("poll_id", "=", poll.id).where("account_id", "=", v.accountId).execute();
    if (mine.some((m) => m.choice === choice)) return "duplicate";
    if (mine.length && !poll.multiple) return "rejected";
    if (mine.length) {
      // A further choice in a multiple-choice poll: count the vote, not another voter.
      const tallies = JSON.parse(poll.cached_tallies) as number[];
      tallies[choice] = (tallies[choice] ?? 0) + 1;
      await tx.insertInto("poll_votes").values({ id: newId(), poll_id: poll.id, account_id: v.accountId, choice, uri: v.uri, created_at: nowIso() }).execute();
      await tx.updateTable("polls").set({ cached_tallies: JSON.stringify(tallies), votes_count: poll.votes_count + 1, updated_at: nowIso() }).where("id", "=", poll.id).execute();
    } else {
      await applyVotes(tx, poll, v.accountId, [choice], [v.uri]);
    }
    if (poll.status_id) await enqueueJob(tx, { kind: "deliver", activity: { type: "UpdatePoll", statusId: poll.status_id } });
    return "recorded";
  });
}

/** Runs when a poll closes: voters and the author hear about it, followers get the final counts. */
export async function closePoll(ctx: Ctx, pollId: string): Promise<void> {
  await inTx(ctx, async (tx, emit) => {
    const poll = await tx.selectFrom("polls").selectAll().where("id", "=", pollId).executeTakeFirst();
    if (!poll || !poll.status_id) return;
    const status = await tx.selectFrom("statuses").select(["id", "deleted_at"]).where("id", "=", poll.status_id).executeTakeFirst();
    if (!status || status.deleted_at) return;
    const voters = await tx.selectFrom("poll_votes").select("account_id").distinct().where("poll_id", "=", pollId).execute();
    for (const accountId of [poll.account_id, ...voters.map((v) => v.account_id)]) {
      await notify(tx, { accountId, fromAccountId: poll.account_id, type: "poll", statusId: status.id, dedupeKey: `poll:${pollId}:${accountId}` }, emit);
    }
    const owner = await tx.selectFrom("accounts").select(["domain", "federating"]).where("id", "=", poll.account_id).executeTakeFirstOrThrow();
    if (owner.domain === null && owner.federating) {
      await enqueueJob(tx, { kind: "deliver", activity: { type: "UpdatePoll", statusId: status.id } });
    }
  });
}

export async function ownVotes(ctx: Ctx, pollId: string, accountId: string): Promise<number[]> {
  const rows = await ctx.db.selectFrom("poll_votes").select("choice").where("poll_id", "=", pollId).where("account_id", "=", accountId).execute();
  return rows.map((r) => r.choice);
}
