import type { Config } from "./config.ts";
import { openDatabase, type DbHandle } from "./db/index.ts";
import { migrateToLatest } from "./db/migrate.ts";
import type { Ctx } from "./domain/context.ts";
import { createLocalStreamBus, createRedisStreamBus } from "./domain/stream-bus.ts";
import { registerDomainJobs } from "./domain/jobs.ts";
import { buildFederation, type WeftFederation } from "./federation/index.ts";
import { registerDeliverJobs } from "./federation/outbox.ts";
import { createQueueBackends, redisPrefix, type QueueBackends } from "./jobs/index.ts";
import { createJobRegistry, type JobRegistry } from "./jobs/worker.ts";
import { createLogger, type Logger } from "./logger.ts";

/** Everything a running Weft process holds, built once at start. */
export interface WeftApp {
  config: Config;
  ctx: Ctx;
  handle: DbHandle;
  log: Logger;
  federation: WeftFederation;
  queues: QueueBackends;
  /** Handlers for Weft's own queue (jobs/worker.ts); each layer registers its job kinds while the app is built. */
  jobs: JobRegistry;
  close(): Promise<void>;
}

export async function createWeftApp(config: Config, options: { migrate?: boolean; log?: Logger } = {}): Promise<WeftApp> {
  const log = options.log ?? createLogger(config.logLevel);
  const handle = openDatabase(config);
  if (options.migrate ?? true) {
    const applied = await migrateToLatest(handle.db);
    if (applied.length) log.info({ applied }, "migrations applied");
  }
  // Live events (streaming API): in memory, or through Redis so every process hears them.
  const events = config.redisUrl
    ? createRedisStreamBus(config.redisUrl, { channel: `${redisPrefix(config)}:events`, log })
    : createLocalStreamBus();
  const ctx: Ctx = { db: handle.db, dialect: handle.dialect, config, log, events };
  const queues = await createQueueBackends(handle, config, log);
  const jobs = createJobRegistry();
  registerDomainJobs(ctx, jobs);
  const out = queues.fedifyOutboxQueue;
  const queue = out ? { inbox: queues.fedifyQueue, outbox: out, fanout: out } : queues.fedifyQueue;
  const federation = await buildFederation({ ctx, kv: queues.kv, queue });
  registerDeliverJobs({ federation, ctx }, jobs);
  return {
    config,
    ctx,
    handle,
    log,
    federation,
    queues,
    jobs,
    async close() {
      await queues.close();
      await events.close();
      await handle.close();
    },
  };
}
