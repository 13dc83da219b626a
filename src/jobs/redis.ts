import { Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import type { QueueBackends } from "./index.ts";
import { RedisKvStore } from "./redis-kv.ts";
import { BullMqMessageQueue } from "./redis-mq.ts";

export { RedisKvStore } from "./redis-kv.ts";
export { BullMqMessageQueue, type BullMqQueueOptions } from "./redis-mq.ts";

/**
 * Scale mode (REDIS_URL set): Fedify's key-value store on Redis and its queue on BullMQ, so
 * many web and worker processes share caches and spread deliveries without loading the
 * database. Weft's own outbox queue stays in the database (see jobs/index.ts).
 */
export function createRedisBackends(url: string, options: { log: Logger; prefix?: string }): QueueBackends {
  const prefix = options.prefix ?? "weft";
  // BullMQ-style settings: commands wait through a reconnect instead of failing after 20 tries.
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  redis.on("error", (error) => options.log.warn({ err: error }, "redis connection error"));
  const fedifyQueue = new BullMqMessageQueue({ url, redis, name: "fedify", prefix: `${prefix}:bull`, log: options.log });
  return {
    kv: new RedisKvStore(redis, { prefix: `${prefix}:kv:` }),
    fedifyQueue,
    async close() {
      await fedifyQueue.close();
      await redis.quit();
    },
  };
}
