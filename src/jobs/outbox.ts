import type { Db, Tx } from "../db/index.ts";
import { announceJobs } from "./wakeup.ts";

/** The `queue` column value of Weft's own jobs (Fedify's are "fedify"). */
export const WEFT_QUEUE = "weft";

/**
 * The transactional outbox: domain code records follow-up work (deliveries, timeline fan-out)
 * in the same transaction as the change that needs it, so a crash after commit still does it
 * and a rollback never leaves orphaned work. jobs/worker.ts drains the "weft" queue.
 */
export type WeftJob =
  | { kind: "deliver"; activity: OutboundActivity }
  | { kind: "fanout.status"; statusId: string }
  | { kind: "fanout.delete"; statusId: string; authorId: string }
  | { kind: "poll.expire"; pollId: string }
  | { kind: string; [k: string]: unknown };

/**
 * An outbound activity described in domain terms; federation/outbox.ts turns it into
 * ActivityStreams and picks recipients.
 */
export type OutboundActivity =
  | { type: "CreateStatus"; statusId: string }
  | { type: "UpdateStatus"; statusId: string }
  /** the status row stays as a tombstone, so recipients are worked out at delivery time */
  | { type: "DeleteStatus"; statusId: string }
  | { type: "Follow"; followId: string; accountId: string; targetAccountId: string; uri: string }
  | { type: "UndoFollow"; accountId: string; targetAccountId: string; uri: string }
  | { type: "AcceptFollow"; accountId: string; followerId: string; followUri: string | null }
  | { type: "RejectFollow"; accountId: string; followerId: string; followUri: string | null }
  | { type: "Like"; accountId: string; statusId: string; uri: string }
  | { type: "UndoLike"; accountId: string; statusId: string; uri: string }
  | { type: "Announce"; reblogId: string }
  | { type: "UndoAnnounce"; accountId: string; statusId: string; uri: string }
  | { type: "Vote"; accountId: string; pollId: string; voteIds: string[] }
  | { type: "UpdatePoll"; statusId: string }
  | { type: "UpdateActor"; accountId: string }
  | { type: "DeleteActor"; accountId: string; uri: string; inboxes: string[] }
  /** `uri` is the Block's id, kept on the blocks row so the Undo names the same Block */
  | { type: "Block"; accountId: string; targetAccountId: string; uri: string }
  | { type: "UndoBlock"; accountId: string; targetAccountId: string; uri: string }
  /** a report forwarded to the reported account's server, from the instance actor */
  | { type: "Flag"; reportId: string };

export async function enqueueJob(db: Db | Tx, job: WeftJob, runAt: Date = new Date()): Promise<void> {
  await db
    .insertInto("jobs")
    .values({
      queue: WEFT_QUEUE,
      payload: JSON.stringify(job),
      run_at: runAt.toISOString(),
      attempts: 0,
      locked_until: null,
      ordering_key: null,
      created_at: new Date().toISOString(),
    })
    .execute();
  // On PostgreSQL inside a transaction the NOTIFY goes out on commit, when the job becomes visible.
  await announceJobs(db, WEFT_QUEUE);
}
