import { PostgresAdapter, sql } from "kysely";
import type pg from "pg";
import { loadPg, type Db, type Tx } from "../db/index.ts";
import type { Logger } from "../logger.ts";

/**
 * How a queue listener learns there is work without waiting for its next poll:
 * in this process through an in-memory registry; across processes on PostgreSQL through
 * LISTEN/NOTIFY (a NOTIFY sent inside a transaction is delivered only when it commits,
 * which is exactly when the job becomes visible). SQLite across processes relies on polling.
 */
export const JOBS_CHANNEL = "weft_jobs";

/** A sleep that an outside event can cut short. A ring while nobody sleeps is kept for the next sleep. */
export class Alarm {
  #sleepers = new Set<() => void>();
  #rung = false;

  ring = (): void => {
    if (this.#sleepers.size === 0) {
      this.#rung = true;
      return;
    }
    // Woken on the next turn of the event loop, not now: the announcement usually comes from a
    // request that has just committed, and its response should go out before the job's work
    // (a post to 20,000 followers loads them all) takes the loop.
    const sleepers = [...this.#sleepers];
    setImmediate(() => {
      for (const wake of sleepers) wake();
    });
  };

  sleep(ms: number): Promise<void> {
    if (this.#rung) {
      this.#rung = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, ms));
      this.#sleepers.add(wake);
    });
  }
}

const localAlarms = new Map<string, Set<Alarm>>();

export function subscribeLocal(queue: string, alarm: Alarm): () => void {
  let set = localAlarms.get(queue);
  if (!set) localAlarms.set(queue, (set = new Set()));
  set.add(alarm);
  return () => {
    set.delete(alarm);
    if (set.size === 0) localAlarms.delete(queue);
  };
}

export function ringLocal(queue: string): void {
  for (const alarm of localAlarms.get(queue) ?? []) alarm.ring();
}

/** Tell listeners of `queue` that its jobs changed. Inside a transaction, other processes hear it on commit. */
export async function announceJobs(db: Db | Tx, queue: string): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`SELECT pg_notify(${JOBS_CHANNEL}, ${queue})`.execute(db);
  }
  ringLocal(queue);
}

/**
 * A dedicated connection LISTENing for job announcements (pooled connections cannot hold a
 * LISTEN). It reconnects by itself; while it is down, listeners still poll.
 */
export function listenForAnnouncements(
  url: string,
  onAnnouncement: (queue: string) => void,
  log: Logger,
): { close(): Promise<void> } {
  let client: pg.Client | null = null;
  let closed = false;
  let retryTimer: NodeJS.Timeout | null = null;

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    const old = client;
    client = null;
    old?.end().catch(() => {});
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, 1000);
  };

  const connect = async () => {
    const c = new (loadPg().Client)({ connectionString: url });
    c.on("notification", (n) => onAnnouncement(n.payload ?? ""));
    c.on("error", (error) => {
      log.warn({ err: error }, "job notification connection failed; reconnecting");
      if (client === c) scheduleReconnect();
    });
    c.on("end", () => {
      if (client === c) scheduleReconnect();
    });
    client = c;
    try {
      await c.connect();
      await c.query(`LISTEN ${JOBS_CHANNEL}`);
      if (closed) await c.end();
    } catch (error) {
      if (closed) return;
      log.warn({ err: error }, "could not LISTEN for jobs; polling until it can");
      if (client === c) scheduleReconnect();
    }
  };
  void connect();

  return {
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
