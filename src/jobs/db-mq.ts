import { sql } from "kysely";
import type {
  MessageQueue,
  MessageQueueDepth,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from "@fedify/fedify";
import type { DbHandle } from "../db/index.ts";
import { createLogger, type Logger } from "../logger.ts";
import { fedifyQueueBackoff, type RetryPolicy } from "./backoff.ts";
import { durationToMs } from "./duration.ts";
import { Alarm, announceJobs, listenForAnnouncements, subscribeLocal } from "./wakeup.ts";

/**
 * A Fedify MessageQueue over the `jobs` table; each queue is a value of its `queue` column
 * (Fedify's is "fedify", Weft's outbox is "weft").
 *
 * Delivery is at-least-once. A listener claims a ready row by writing a lease into
 * `locked_until` (kept alive by a heartbeat while the handler runs) and deletes the row only
 * after the handler returns. If the process dies mid-handler the lease runs out and another
 * listener takes the row again. A handler that throws never loses its message: the row is
 * rescheduled by the retry policy, and only dropped (with an error logged) when the policy
 * gives up. Fedify retries failed deliveries itself by re-enqueueing, so `nativeRetrial` is
 * false and the policy here only catches what escapes Fedify.
 *
 * Ordering keys: a row with a key may start only when no older row with that key remains in
 * the queue (running, waiting, or delayed), so at most one runs at a time, in enqueue order.
 *
 * Claiming is one UPDATE … WHERE id = (SELECT …) RETURNING, with FOR UPDATE SKIP LOCKED on
 * PostgreSQL so concurrent listeners never wait on or take each other's rows; SQLite runs the
 * statement under its single-writer lock. Listeners wake on LISTEN/NOTIFY (PostgreSQL), on
 * enqueues in this process, at the next delayed job's time, and otherwise poll.
 */
export interface DbMessageQueueOptions {
  /** the `queue` column value; "fedify" by default */
  queue?: string;
  /** handlers run in parallel per listen() call */
  concurrency?: number;
  /** longest sleep between looks at the table (lease expiries are only noticed by polling) */
  pollIntervalMs?: number;
  /**
   * how long a claim holds before another listener may take the job (60 s by default); renewed
   * every third of it while the handler runs, so it bounds how long a killed worker's job waits
   */
  leaseMs?: number;
  retry?: RetryPolicy;
  log?: Logger;
}

interface ClaimedRow {
  id: number | string;
  payload: string;
  attempts: number;
  created_at: string;
  ordering_key: string | null;
  locked_until: string;
}

export class DbMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  readonly queue: string;
  readonly #handle: Pick<DbHandle, "db" | "dialect" | "postgresUrl">;
  readonly #concurrency: number;
  readonly #pollMs: number;
  readonly #leaseMs: number;
  readonly #retry: RetryPolicy;
  readonly #log: Logger;

  constructor(handle: Pick<DbHandle, "db" | "dialect" | "postgresUrl">, options: DbMessageQueueOptions = {}) {
    this.#handle = handle;
    this.queue = options.queue ?? "fedify";
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#pollMs = options.pollIntervalMs ?? (handle.dialect === "postgres" ? 5000 : 500);
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#retry = options.retry ?? fedifyQueueBackoff;
    this.#log = (options.log ?? createLogger("silent")).child({ queue: this.queue });
  }

  enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    if (messages.length === 0) return;
    const now = new Date();
    const runAt = new Date(now.getTime() + durationToMs(options?.delay)).toISOString();
    const { db } = this.#handle;
    // One multi-row INSERT assigns ids in list order, which is the order an ordering key keeps.
    await db
      .insertInto("jobs")
      .values(messages.map((m) => ({
        queue: this.queue,
        payload: JSON.stringify(m),
        run_at: runAt,
        attempts: 0,
        locked_until: null,
        ordering_key: options?.orderingKey ?? null,
        created_at: now.toISOString(),
      })))
      .execute();
    await announceJobs(db, this.queue);
  }

  async listen(handler: (message: any) => Promise<void> | void, options: MessageQueueListenOptions = {}): Promise<void> {
    const { signal } = options;
    if (signal?.aborted) return;
    const alarm = new Alarm();
    const unsubscribe = subscribeLocal(this.queue, alarm);
    signal?.addEventListener("abort", alarm.ring, { once: true });
    const notifications = this.#handle.dialect === "postgres" && this.#handle.postgresUrl
      ? listenForAnnouncements(this.#handle.postgresUrl, (q) => q === this.queue && alarm.ring(), this.#log)
      : null;
    const running = new Set<Promise<void>>();
    try {
      while (!signal?.aborted) {
        if (running.size >= this.#concurrency) {
          await Promise.race(running);
          continue;
        }
        let job: ClaimedRow | null;
        try {
          job = await this.#claim();
        } catch (error) {
          this.#log.error({ err: error }, "could not claim a job; retrying");
          await alarm.sleep(this.#pollMs);
          continue;
        }
        if (!job) {
          await alarm.sleep(await this.#idleMs());
          continue;
        }
        const run: Promise<void> = this.#run(job, handler).finally(() => {
          running.delete(run);
          // Look again: the job may have been rescheduled sooner than the loop means to sleep,
          // or it may have been what held back the next job with its ordering key.
          alarm.ring();
        });
        running.add(run);
      }
    } finally {
      await Promise.allSettled(running);
      signal?.removeEventListener("abort", alarm.ring);
      unsubscribe();
      await notifications?.close();
    }
  }

  async getDepth(): Promise<MessageQueueDepth> {
    const now = new Date().toISOString();
    const row = await this.#handle.db
      .selectFrom("jobs")
      .select((eb) => [
        eb.fn.countAll().as("queued"),
        eb.fn.sum<number | string | null>(eb.case().when("run_at", "<=", now).then(1).else(0).end()).as("ready"),
      ])
      .where("queue", "=", this.queue)
      .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", now)]))
      .executeTakeFirstOrThrow();
    const queued = Number(row.queued);
    const ready = Number(row.ready ?? 0);
    return { queued, ready, delayed: queued - ready };
  }

  async #claim(): Promise<ClaimedRow | null> {
    const now = Date.now();
    const nowIso = new Date(now).toISOString();
    const lease = new Date(now + this.#leaseMs).toISOString();
    const skipLocked = this.#handle.dialect === "postgres" ? sql`FOR UPDATE SKIP LOCKED` : sql``;
    const result = await sql<ClaimedRow>`
      UPDATE jobs SET locked_until = ${lease}
      WHERE id = (
        SELECT j.id FROM jobs j
        WHERE j.queue = ${this.queue}
          AND j.run_at <= ${nowIso}
          AND (j.locked_until IS NULL OR j.locked_until <= ${nowIso})
          AND (j.ordering_key IS NULL OR NOT EXISTS (
            SELECT 1 FROM jobs o WHERE o.queue = j.queue AND o.ordering_key = j.ordering_key AND o.id < j.id))
        ORDER BY j.run_at, j.id
        LIMIT 1
        ${skipLocked}
      )
      RETURNING id, payload, attempts, created_at, ordering_key, locked_until`.execute(this.#handle.db);
    return result.rows[0] ?? null;
  }

  /** Sleep until the next delayed job is due, but never longer than the poll interval. */
  async #idleMs(): Promise<number> {
    const now = new Date().toISOString();
    try {
      const row = await this.#handle.db
        .selectFrom("jobs")
        .select((eb) => eb.fn.min("run_at").as("next"))
        .where("queue", "=", this.queue)
        .where("run_at", ">", now)
        .executeTakeFirst();
      if (row?.next) return Math.min(this.#pollMs, Math.max(10, Date.parse(row.next) - Date.now() + 5));
    } catch {
      // fall back to polling
    }
    return this.#pollMs;
  }

  async #run(job: ClaimedRow, handler: (message: any) => Promise<void> | void): Promise<void> {
    const lease = new Lease(this.#handle.db, job, this.#leaseMs, this.#log);
    let failure: { error: unknown } | null = null;
    try {
      await handler(JSON.parse(job.payload));
    } catch (error) {
      failure = { error };
    }
    const token = await lease.stop();
    if (token == null) {
      this.#log.warn({ jobId: job.id }, "lost the lease on a job while it ran; it may run again");
      return;
    }
    const { db } = this.#handle;
    try {
      if (!failure) {
        await db.deleteFrom("jobs").where("id", "=", job.id as number).where("locked_until", "=", token).execute();
        if (job.ordering_key != null) await announceJobs(db, this.queue);
        return;
      }
      const attempts = job.attempts + 1;
      const delay = this.#retry({ attempts, enqueuedAt: new Date(job.created_at), error: failure.error });
      if (delay == null) {
        this.#log.error({ err: failure.error, jobId: job.id, attempts, payload: job.payload }, "job failed too long; dropping it");
        await db.deleteFrom("jobs").where("id", "=", job.id as number).where("locked_until", "=", token).execute();
        if (job.ordering_key != null) await announceJobs(db, this.queue);
        return;
      }
      this.#log.warn({ err: failure.error, jobId: job.id, attempts, retryInMs: delay }, "job failed; will retry");
      await db
        .updateTable("jobs")
        .set({ attempts, run_at: new Date(Date.now() + delay).toISOString(), locked_until: null })
        .where("id", "=", job.id as number)
        .where("locked_until", "=", token)
        .execute();
    } catch (error) {
      // The lease will run out and the job will be tried again.
      this.#log.error({ err: error, jobId: job.id }, "could not record a job's outcome");
    }
  }
}

/**
 * Keeps a claimed job's lease alive while its handler runs. The lease value doubles as the
 * claim token: renewals and the final delete match it, so a worker that lost its lease (and
 * whose job another worker re-claimed) cannot delete or reschedule the other's claim.
 */
class Lease {
  readonly #db: DbHandle["db"];
  readonly #id: number | string;
  #token: string | null;
  #pending: Promise<void> = Promise.resolve();
  readonly #timer: NodeJS.Timeout;

  constructor(db: DbHandle["db"], job: ClaimedRow, leaseMs: number, log: Logger) {
    this.#db = db;
    this.#id = job.id;
    this.#token = job.locked_until;
    this.#timer = setInterval(() => {
      this.#pending = this.#pending.then(() => this.#renew(leaseMs)).catch((error) => {
        log.warn({ err: error, jobId: job.id }, "could not renew a job lease");
      });
    }, Math.max(50, Math.floor(leaseMs / 3)));
    this.#timer.unref();
  }

  async #renew(leaseMs: number): Promise<void> {
    if (this.#token == null) return;
    const next = new Date(Date.now() + leaseMs).toISOString();
    const r = await this.#db
      .updateTable("jobs")
      .set({ locked_until: next })
      .where("id", "=", this.#id as number)
      .where("locked_until", "=", this.#token)
      .executeTakeFirst();
    this.#token = r.numUpdatedRows > 0n ? next : null;
  }

  /** Stops renewing; the current token, or null if the lease was lost. */
  async stop(): Promise<string | null> {
    clearInterval(this.#timer);
    await this.#pending;
    return this.#token;
  }
}
