import { randomUUID } from "node:crypto";
import { DelayedError, Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type {
  MessageQueue,
  MessageQueueDepth,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from "@fedify/fedify";
import { createLogger, type Logger } from "../logger.ts";
import { fedifyQueueBackoff, type RetryPolicy } from "./backoff.ts";
import { durationToMs } from "./duration.ts";

/**
 * Fedify's MessageQueue on BullMQ, for scale mode (REDIS_URL set).
 *
 * Same semantics as DbMessageQueue: a job leaves Redis only after its handler returns (BullMQ
 * keeps it active under a renewed lock; if the worker dies, the stalled-job check puts it back
 * in the wait list); delays are BullMQ delays; a handler that throws is retried by BullMQ on
 * the retry policy and dropped, with an error logged, when the policy gives up.
 *
 * Ordering keys (BullMQ has no groups outside its Pro edition): every message with a key gets a
 * sequence number and sits in a per-key sorted set until its handler succeeds. A message may
 * start only when it is the lowest entry of its key; otherwise it steps back into the delayed
 * set for a short while. That gives one-at-a-time, in-order processing per key.
 * Gaps, documented: a blocked message is re-checked by polling (every `orderingRecheckMs`),
 * not woken, so a chain of same-key messages moves a little slower than on the database queue;
 * and a job that BullMQ stops tracking (stalled past `maxStalledCount`, or removed by hand)
 * is taken off its key's set the next time a later message finds it missing.
 */
export interface BullMqQueueOptions {
  /** ioredis-style URL */
  url: string;
  /** BullMQ queue name; "fedify" by default */
  name?: string;
  /** Redis key prefix for BullMQ and the ordering sets */
  prefix?: string;
  /** a connection for the ordering sets (shared with the KvStore in production) */
  redis: Redis;
  concurrency?: number;
  retry?: RetryPolicy;
  /** how long a claimed job stays locked without renewal (BullMQ renews at half of it) */
  lockMs?: number;
  /** how often BullMQ looks for jobs of dead workers */
  stalledIntervalMs?: number;
  orderingRecheckMs?: number;
  log?: Logger;
}

interface Envelope {
  message: unknown;
  orderingKey?: string;
  seq?: number;
}

export class BullMqMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  readonly #opts: BullMqQueueOptions & { name: string; prefix: string };
  readonly #queue: Queue<Envelope>;
  readonly #log: Logger;
  readonly #retry: RetryPolicy;

  constructor(options: BullMqQueueOptions) {
    this.#opts = { ...options, name: options.name ?? "fedify", prefix: options.prefix ?? "weft:bull" };
    this.#log = (options.log ?? createLogger("silent")).child({ queue: this.#opts.name });
    this.#retry = options.retry ?? fedifyQueueBackoff;
    this.#queue = new Queue<Envelope>(this.#opts.name, {
      connection: { url: options.url },
      prefix: this.#opts.prefix,
      defaultJobOptions: {
        // Retries are bounded by the retry policy, which gives up by returning null.
        attempts: Number.MAX_SAFE_INTEGER,
        backoff: { type: "weft" },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    });
    // An unheard "error" event would crash the process; BullMQ reconnects by itself.
    this.#queue.on("error", (error) => this.#log.warn({ err: error }, "queue connection error"));
  }

  enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    if (messages.length === 0) return;
    const delay = durationToMs(options?.delay);
    const key = options?.orderingKey;
    if (key == null) {
      await this.#queue.addBulk(messages.map((message) => ({ name: "message", data: { message }, opts: { delay } })));
      return;
    }
    const redis = this.#opts.redis;
    const last = await redis.incrby(this.#seqKey(key), messages.length);
    const first = last - messages.length + 1;
    const jobs = messages.map((message, i) => ({
      name: "message",
      data: { message, orderingKey: key, seq: first + i },
      opts: { delay, jobId: randomUUID() },
    }));
    // Added before they are listed under their key: a crash in between leaves an unordered
    // message rather than an entry that blocks the key forever.
    await this.#queue.addBulk(jobs);
    await redis.zadd(this.#pendingKey(key), ...jobs.flatMap((j) => [j.data.seq, j.opts.jobId]));
  }

  async listen(handler: (message: any) => Promise<void> | void, options: MessageQueueListenOptions = {}): Promise<void> {
    const { signal } = options;
    if (signal?.aborted) return;
    const worker = new Worker<Envelope>(
      this.#opts.name,
      (job, token) => this.#process(job, token, handler),
      {
        connection: { url: this.#opts.url },
        prefix: this.#opts.prefix,
        concurrency: Math.max(1, this.#opts.concurrency ?? 4),
        lockDuration: this.#opts.lockMs ?? 60_000,
        stalledInterval: this.#opts.stalledIntervalMs ?? 30_000,
        // A job put back after a worker died is not a failure of the job; only give up on
        // one that keeps taking its workers down with it.
        maxStalledCount: 10,
        settings: {
          backoffStrategy: (attemptsMade, _type, error, job) =>
            this.#retry({ attempts: attemptsMade, enqueuedAt: new Date(job?.timestamp ?? Date.now()), error }) ?? -1,
        },
      },
    );
    worker.on("error", (error) => this.#log.error({ err: error }, "queue worker error"));
    worker.on("failed", (job, error) => {
      if (job && job.finishedOn) {
        this.#log.error({ err: error, jobId: job.id, attempts: job.attemptsMade }, "job failed too long; dropping it");
        const key = job.data.orderingKey;
        if (key != null) {
          this.#opts.redis.zrem(this.#pendingKey(key), job.id!).catch(() => {});
        }
      }
    });
    await new Promise<void>((resolve) => {
      signal?.addEventListener("abort", () => resolve(), { once: true });
    });
    // close() waits for running handlers to finish.
    await worker.close();
  }

  async getDepth(): Promise<MessageQueueDepth> {
    const c = await this.#queue.getJobCounts("waiting", "prioritized", "delayed");
    const ready = (c.waiting ?? 0) + (c.prioritized ?? 0);
    const delayed = c.delayed ?? 0;
    return { queued: ready + delayed, ready, delayed };
  }

  async close(): Promise<void> {
    await this.#queue.close();
  }

  async #process(job: Job<Envelope>, token: string | undefined, handler: (message: any) => Promise<void> | void) {
    const { message, orderingKey, seq } = job.data;
    if (orderingKey != null && seq != null && !(await this.#isFirstOfKey(orderingKey, seq, job.id!))) {
      await job.moveToDelayed(Date.now() + (this.#opts.orderingRecheckMs ?? 250), token);
      throw new DelayedError();
    }
    try {
      await handler(message);
    } catch (error) {
      const attempts = job.attemptsMade + 1;
      if (this.#retry({ attempts, enqueuedAt: new Date(job.timestamp), error }) == null) {
        this.#log.error({ err: error, jobId: job.id, attempts, message }, "job failed too long; dropping it");
      } else {
        this.#log.warn({ err: error, jobId: job.id, attempts }, "job failed; will retry");
        throw error;
      }
    }
    if (orderingKey != null) await this.#opts.redis.zrem(this.#pendingKey(orderingKey), job.id!);
  }

  async #isFirstOfKey(key: string, seq: number, jobId: string): Promise<boolean> {
    const pending = this.#pendingKey(key);
    for (;;) {
      const [firstId] = await this.#opts.redis.zrange(pending, 0, "0");
      if (firstId == null || firstId === jobId) return true;
      const firstSeq = await this.#opts.redis.zscore(pending, firstId);
      if (firstSeq == null) continue;
      if (Number(firstSeq) >= seq) return true;
      const ahead = await this.#queue.getJob(firstId);
      const state = ahead ? await ahead.getState() : "unknown";
      if (state !== "completed" && state !== "failed" && state !== "unknown") return false;
      // The job ahead of this one is gone or finished for good; it must not hold the key.
      await this.#opts.redis.zrem(pending, firstId);
    }
  }

  #seqKey(key: string): string {
    return `${this.#opts.prefix}:${this.#opts.name}:ordering-seq:${key}`;
  }

  #pendingKey(key: string): string {
    return `${this.#opts.prefix}:${this.#opts.name}:ordering:${key}`;
  }
}
