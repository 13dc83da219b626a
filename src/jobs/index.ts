import { createHash } from "node:crypto";
import type { KvStore, MessageQueue } from "@fedify/fedify";
import type { Config } from "../config.ts";
import type { DbHandle } from "../db/index.ts";
import type { Logger } from "../logger.ts";
import { DbKvStore } from "./db-kv.ts";
import { DbMessageQueue } from "./db-mq.ts";

export interface QueueBackends {
  kv: KvStore;
  /** Fedify's own queue: inbox processing, and fan-out and signed deliveries unless the next one takes them. */
  fedifyQueue: MessageQueue;
  /** Fedify's fan-out and signed deliveries, when they have a queue of their own (database mode). */
  fedifyOutboxQueue?: MessageQueue;
  close(): Promise<void>;
}

/**
 * Fedify's key-value store and queue: in the database by default (nothing else to run), on
 * Redis/BullMQ when REDIS_URL is set (scale mode: many web and worker processes). Weft's own
 * outbox queue (jobs/worker.ts) always stays in the database, because its jobs must commit in
 * the same transaction as the changes that need them.
 */
export async function createQueueBackends(handle: DbHandle, config: Config, log: Logger): Promise<QueueBackends> {
  if (config.redisUrl) {
    const { createRedisBackends } = await import("./redis.ts");
    return createRedisBackends(config.redisUrl, { log, prefix: redisPrefix(config) });
  }
  return {
    kv: new DbKvStore(handle),
    fedifyQueue: new DbMessageQueue(handle, { queue: "fedify", log }),
    // A delivery mostly waits on a remote server (50–500 ms), so many run at once: with four,
    // a post to 2,000 servers 50 ms away went out at ~60/s, with 64 at ~240/s (bench/outbound.ts).
    // Inbox work is database writes, which more concurrency only slows (one SQLite connection).
    fedifyOutboxQueue: new DbMessageQueue(handle, { queue: "fedify-out", log, concurrency: 64 }),
    close: async () => {},
  };
}

/**
 * Keys in Redis are namespaced per instance, so two Weft instances sharing one Redis (or test
 * instances running side by side) never take each other's deliveries. An instance is its public
 * host plus its database; the database is named without credentials, so rotating a password
 * does not orphan queued jobs.
 */
export function redisPrefix(config: Config): string {
  let database = config.sqlitePath;
  if (config.databaseUrl) {
    const u = new URL(config.databaseUrl);
    database = `${u.hostname}:${u.port}${u.pathname}`;
  }
  const tag = createHash("sha256").update(database).digest("hex").slice(0, 10);
  return `weft:${config.url.host}:${tag}`;
}
