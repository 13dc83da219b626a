import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type { Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import { createLocalEvents, type DomainEvent, type Events } from "./events.ts";

/** The event bus a process runs on; closed with the app. */
export interface StreamBus extends Events {
  /** Resolves once events from other processes are being received (at once for a local bus). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** The embedded default: one process, listeners hear events in memory. */
export function createLocalStreamBus(): StreamBus {
  return { ...createLocalEvents(), ready: async () => {}, close: async () => {} };
}

/**
 * Waits until `events` hears other processes, when it is a bus that can tell; a connection
 * must not be reported open before the events meant for it can arrive.
 */
export async function eventsReady(events: Events): Promise<void> {
  const ready = (events as Partial<StreamBus>).ready;
  if (typeof ready === "function") await ready.call(events);
}

interface Envelope {
  /** the process that emitted these events */
  o: string;
  e: DomainEvent[];
}

/**
 * Scale mode (REDIS_URL set): domain events go through Redis pub/sub, so a post fanned out by a
 * worker process reaches the sockets a web process holds. Each process keeps at most two Redis
 * connections for this, however many sockets it serves: a publisher, and a subscriber opened
 * only once something listens (a worker that holds no sockets never opens one).
 *
 * Events emitted in one turn of the event loop (a transaction's worth, e.g. a fan-out's
 * `home.inserted` for every follower) travel as one message, so receivers can render a status
 * once for all of them. Listeners in the emitting process hear events at once; the copy that
 * comes back from Redis is recognised by its origin and skipped.
 *
 * Redis pub/sub ignores logical databases, so `channel` must carry the instance's namespace.
 */
export function createRedisStreamBus(url: string, options: { channel: string; log: Logger }): StreamBus {
  const { channel, log } = options;
  const origin = randomUUID();
  const local = createLocalEvents();
  let pending: DomainEvent[] = [];
  let publisher: Redis | null = null;
  let subscriber: Redis | null = null;
  let subscribed: Promise<void> | null = null;
  let closed = false;

  const connection = (role: string): Redis => {
    // Commands wait through a reconnect rather than failing: a Redis restart delays live
    // updates instead of losing them while it lasts.
    // ioredis is loaded only in scale mode: an embedded install starts without it.
    const { Redis: RedisClient } = createRequire(import.meta.url)("ioredis") as typeof import("ioredis");
    const redis = new RedisClient(url, { maxRetriesPerRequest: null, lazyConnect: true });
    redis.on("error", (err) => log.warn({ err, role }, "redis connection error (streaming events)"));
    return redis;
  };

  const flush = () => {
    const batch = pending;
    pending = [];
    if (!batch.length || closed) return;
    publisher ??= connection("publisher");
    const envelope: Envelope = { o: origin, e: batch };
    publisher.publish(channel, JSON.stringify(envelope)).catch((err) => {
      log.warn({ err, count: batch.length }, "could not publish events to other processes");
    });
  };

  const receive = (from: string, message: string) => {
    if (from !== channel) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      log.warn("unreadable message on the events channel");
      return;
    }
    if (envelope.o === origin || !Array.isArray(envelope.e)) return;
    for (const event of envelope.e) local.emit(event);
  };

  const subscribe = (): Promise<void> => {
    if (subscribed) return subscribed;
    if (closed) return Promise.resolve();
    const redis = (subscriber = connection("subscriber"));
    redis.on("message", receive);
    subscribed = redis.subscribe(channel).then(
      () => {},
      (err) => log.warn({ err }, "could not subscribe to the events channel"),
    );
    return subscribed;
  };

  return {
    emit(event) {
      local.emit(event);
      if (pending.length === 0) queueMicrotask(flush);
      pending.push(event);
    },
    on(listener) {
      void subscribe();
      return local.on(listener);
    },
    ready: subscribe,
    async close() {
      flush();
      closed = true;
      const quit = async (redis: Redis | null) => {
        if (!redis) return;
        if (redis.status === "wait" || redis.status === "end") redis.disconnect();
        else await redis.quit().catch(() => redis.disconnect());
      };
      await Promise.all([quit(publisher), quit(subscriber)]);
    },
  };
}
