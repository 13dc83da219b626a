import { MemoryKvStore, InProcessMessageQueue, type KvStore, type MessageQueue } from "@fedify/fedify";
import type { Config } from "../config.ts";
import type { DbHandle } from "../db/index.ts";
import type { Logger } from "../logger.ts";

export interface QueueBackends {
  kv: KvStore;
  /** Fedify's own queue: inbox processing, fan-out and signed deliveries. */
  fedifyQueue: MessageQueue;
  close(): Promise<void>;
}

// Placeholder until the durable drivers land (jobs/db-kv.ts, jobs/db-mq.ts, jobs/redis.ts).
export async function createQueueBackends(_handle: DbHandle, _config: Config, _log: Logger): Promise<QueueBackends> {
  return { kv: new MemoryKvStore(), fedifyQueue: new InProcessMessageQueue(), close: async () => {} };
}
