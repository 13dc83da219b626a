import type { DbHandle } from "../db/index.ts";
import type { Logger } from "../logger.ts";
import { weftJobBackoff, type RetryPolicy } from "./backoff.ts";
import { DbMessageQueue } from "./db-mq.ts";
import { WEFT_QUEUE, type WeftJob } from "./outbox.ts";

/**
 * The worker for Weft's own queue: the jobs domain code records with `enqueueJob` (outbox.ts)
 * in the same transaction as the change that needs them.
 *
 * Handlers are registered per job kind on the `JobRegistry` that `createWeftApp` puts on
 * `WeftApp.jobs`; each layer registers its kinds while the app is built, e.g.
 *
 *     jobs.register("deliver", (job) => deliverActivity(ctx, federation, job.activity));
 *
 * No module-level registry: what runs is visible where the app is assembled.
 *
 * Semantics come from DbMessageQueue: at-least-once (a job leaves the table only after its
 * handler returns; a killed worker's job is taken again when its lease runs out), so handlers
 * must be idempotent. A handler that throws is retried with exponential backoff (about 30 s·2^n
 * with jitter, capped at 6 h) and dropped, with an error logged, about three days after it was
 * enqueued. A job of a kind nobody registered is logged and dropped.
 */
export type JobOfKind<K extends string> = [Extract<WeftJob, { kind: K }>] extends [never]
  ? WeftJob & { kind: K }
  : Extract<WeftJob, { kind: K }>;

export type JobHandler<K extends string = string> = (job: JobOfKind<K>) => Promise<void> | void;

export interface JobRegistry {
  /** Registers the handler for one job kind; a kind has exactly one handler. */
  register<K extends WeftJob["kind"]>(kind: K, handler: JobHandler<K>): void;
  handlerFor(kind: string): JobHandler | undefined;
  kinds(): string[];
}

export function createJobRegistry(): JobRegistry {
  const handlers = new Map<string, JobHandler>();
  return {
    register(kind, handler) {
      if (handlers.has(kind)) throw new Error(`a handler for job kind "${kind}" is already registered`);
      handlers.set(kind, handler as unknown as JobHandler);
    },
    handlerFor: (kind) => handlers.get(kind),
    kinds: () => [...handlers.keys()],
  };
}

export interface WeftWorkerOptions {
  signal?: AbortSignal;
  log: Logger;
  /** jobs run in parallel in this process */
  concurrency?: number;
  pollIntervalMs?: number;
  /** how long a dead worker's job stays claimed; renewed every third of it while running */
  leaseMs?: number;
  retry?: RetryPolicy;
}

/** Drains the "weft" queue until `signal` aborts; resolves once in-flight jobs have finished. */
export function runWeftWorker(
  handle: Pick<DbHandle, "db" | "dialect" | "postgresUrl">,
  registry: JobRegistry,
  options: WeftWorkerOptions,
): Promise<void> {
  const log = options.log.child({ worker: WEFT_QUEUE });
  const queue = new DbMessageQueue(handle, {
    queue: WEFT_QUEUE,
    concurrency: options.concurrency ?? 4,
    pollIntervalMs: options.pollIntervalMs,
    leaseMs: options.leaseMs ?? 60_000,
    retry: options.retry ?? weftJobBackoff,
    log,
  });
  return queue.listen(async (job: WeftJob) => {
    const handler = registry.handlerFor(job?.kind);
    if (!handler) {
      log.warn({ kind: job?.kind }, "no handler for this job kind; dropping the job");
      return;
    }
    await handler(job as JobOfKind<string>);
  }, { signal: options.signal });
}
