import type { WeftApp } from "../../app.ts";
import type { DomainEvent } from "../../domain/events.ts";
import { accountsWithFilters, activeTokenIds } from "../../domain/stream-audience.ts";
import { eventsReady } from "../../domain/stream-bus.ts";
import type { Channel, ChannelName, Viewer } from "./channels.ts";
import { dispatch, type Work } from "./dispatch.ts";

const FILTER_CACHE_MS = 5 * 60_000;
const FILTER_CACHE_ENTRIES = 50_000;

/** One open connection, WebSocket or EventSource. */
export interface Sink {
  readonly viewer: Viewer;
  /** `payload` is absent only for `filters_changed` */
  send(stream: readonly string[], event: string, payload?: string): void;
  /** keeps the connection alive and notices dead peers; called every heartbeat */
  heartbeat(): void;
  /** closes the connection from our side (token revoked, server stopping) */
  end(): void;
}

export interface Subscription {
  sink: Sink;
  channel: Channel;
}

export interface HubOptions {
  /** how often SSE connections get `:thump` (Mastodon: 15 s); WebSockets are pinged every other beat */
  heartbeatMs?: number;
  /** how often the tokens of open connections are checked for revocation */
  tokenCheckMs?: number;
}

/**
 * The connections this process holds, filed by channel key (`user:<account>`, `public:local`,
 * `hashtag:cats`, …), and the loop that turns domain events into messages for them. Events
 * are handled one batch at a time, in order, so a `delete` never overtakes the `update` it
 * follows; each batch is grouped so that one status pushed into many home feeds is rendered
 * once.
 */
export class StreamHub {
  readonly app: WeftApp;
  readonly #options: Required<HubOptions>;
  readonly #byKey = new Map<string, Set<Subscription>>();
  readonly #bySink = new Map<Sink, Map<string, Subscription>>();
  /** channel name → subject (account or list id) → number of subscriptions, for "which connected users…" queries */
  readonly #subjects = new Map<ChannelName, Map<string, number>>();
  readonly #counts = new Map<ChannelName, number>();
  #queue: DomainEvent[] = [];
  #draining: Promise<void> | null = null;
  #started: Promise<void> | null = null;
  #off: (() => void) | null = null;
  #timers: NodeJS.Timeout[] = [];
  #closed = false;
  /** whether a viewer has keyword filters at all; forgotten when they change (events reach every process) */
  readonly #hasFilters = new Map<string, { has: boolean; at: number }>();

  constructor(app: WeftApp, options: HubOptions = {}) {
    this.app = app;
    this.#options = { heartbeatMs: options.heartbeatMs ?? 15_000, tokenCheckMs: options.tokenCheckMs ?? 60_000 };
  }

  /** Starts listening to events; resolves once events from every process can arrive. */
  start(): Promise<void> {
    this.#started ??= (async () => {
      this.#off = this.app.ctx.events.on((event) => this.#enqueue(event));
      const beat = setInterval(() => this.#heartbeat(), this.#options.heartbeatMs);
      const check = setInterval(() => void this.#checkTokens(), this.#options.tokenCheckMs);
      beat.unref();
      check.unref();
      this.#timers.push(beat, check);
      await eventsReady(this.app.ctx.events);
    })();
    return this.#started;
  }

  get closed(): boolean {
    return this.#closed;
  }

  add(sink: Sink): void {
    if (!this.#bySink.has(sink)) this.#bySink.set(sink, new Map());
  }

  /** false when the sink already has this channel (Mastodon ignores a repeated subscribe). */
  subscribe(sink: Sink, channel: Channel): boolean {
    const own = this.#bySink.get(sink);
    if (!own || own.has(channel.key)) return false;
    const sub: Subscription = { sink, channel };
    own.set(channel.key, sub);
    let set = this.#byKey.get(channel.key);
    if (!set) this.#byKey.set(channel.key, (set = new Set()));
    set.add(sub);
    this.#counts.set(channel.name, (this.#counts.get(channel.name) ?? 0) + 1);
    if (channel.subject) {
      let bySubject = this.#subjects.get(channel.name);
      if (!bySubject) this.#subjects.set(channel.name, (bySubject = new Map()));
      bySubject.set(channel.subject, (bySubject.get(channel.subject) ?? 0) + 1);
    }
    return true;
  }

  unsubscribe(sink: Sink, key: string): void {
    const sub = this.#bySink.get(sink)?.get(key);
    if (!sub) return;
    this.#bySink.get(sink)?.delete(key);
    const set = this.#byKey.get(key);
    set?.delete(sub);
    if (set && set.size === 0) this.#byKey.delete(key);
    const { name, subject } = sub.channel;
    this.#counts.set(name, (this.#counts.get(name) ?? 1) - 1);
    const bySubject = subject ? this.#subjects.get(name) : undefined;
    if (subject && bySubject) {
      const n = (bySubject.get(subject) ?? 1) - 1;
      if (n > 0) bySubject.set(subject, n);
      else bySubject.delete(subject);
    }
  }

  remove(sink: Sink): void {
    for (const key of [...(this.#bySink.get(sink)?.keys() ?? [])]) this.unsubscribe(sink, key);
    this.#bySink.delete(sink);
  }

  subscribers(key: string): Iterable<Subscription> {
    return this.#byKey.get(key) ?? [];
  }

  /** Subjects with at least one subscription: accounts on `user`, `direct`…; list ids on `list`. */
  subjectsOf(name: ChannelName): string[] {
    return [...(this.#subjects.get(name)?.keys() ?? [])];
  }

  /** How many subscriptions the channels named have, so events nobody here wants cost nothing. */
  count(...names: ChannelName[]): number {
    return names.reduce((n, name) => n + (this.#counts.get(name) ?? 0), 0);
  }

  get size(): number {
    return this.#bySink.size;
  }

  /** Of `viewerIds`, those with keyword filters to apply; cached, so most events cost no query. */
  async viewersWithFilters(viewerIds: readonly string[]): Promise<Set<string>> {
    const now = Date.now();
    const stale = viewerIds.filter((id) => {
      const known = this.#hasFilters.get(id);
      return !known || now - known.at > FILTER_CACHE_MS;
    });
    if (stale.length) {
      if (this.#hasFilters.size > FILTER_CACHE_ENTRIES) this.#hasFilters.clear();
      const found = await accountsWithFilters(this.app.ctx, stale);
      for (const id of stale) this.#hasFilters.set(id, { has: found.has(id), at: now });
    }
    return new Set(viewerIds.filter((id) => this.#hasFilters.get(id)?.has));
  }

  /** Waits until every event received so far has been handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#off?.();
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    for (const sink of [...this.#bySink.keys()]) {
      this.remove(sink);
      sink.end();
    }
    await this.idle();
  }

  #enqueue(event: DomainEvent): void {
    // Before anything queued after it is rendered, and even with nobody connected right now.
    if (event.type === "filters.changed") this.#hasFilters.delete(event.accountId);
    if (this.#closed || this.#bySink.size === 0) return;
    this.#queue.push(event);
    this.#draining ??= this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      // Let the rest of the emitting transaction's events arrive before grouping them.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.#queue.length) {
        const batch = this.#queue;
        this.#queue = [];
        for (const work of group(batch)) {
          try {
            await dispatch(this, work);
          } catch (err) {
            this.app.log.warn({ err, event: work.type }, "streaming: could not deliver an event");
          }
        }
      }
    } finally {
      // Cleared in the same turn as the last check of the queue, so that an event arriving
      // now starts a new drain instead of waiting for the next one.
      this.#draining = null;
    }
  }

  #heartbeat(): void {
    for (const sink of this.#bySink.keys()) sink.heartbeat();
  }

  async #checkTokens(): Promise<void> {
    const sinks = [...this.#bySink.keys()];
    if (!sinks.length) return;
    try {
      const alive = await activeTokenIds(this.app.ctx, sinks.map((s) => s.viewer.tokenId));
      for (const sink of sinks) {
        if (!alive.has(sink.viewer.tokenId)) {
          this.remove(sink);
          sink.end();
        }
      }
    } catch (err) {
      this.app.log.warn({ err }, "streaming: could not check tokens of open connections");
    }
  }
}

/**
 * Folds one status's `home.inserted` events into a single piece of work at the place of the
 * first, keeping everything else in order.
 */
function group(batch: DomainEvent[]): Work[] {
  const out: Work[] = [];
  const homes = new Map<string, { type: "home"; statusId: string; accountIds: string[] }>();
  for (const event of batch) {
    if (event.type !== "home.inserted") {
      out.push(event);
      continue;
    }
    const existing = homes.get(event.statusId);
    if (existing) existing.accountIds.push(event.accountId);
    else {
      const work = { type: "home" as const, statusId: event.statusId, accountIds: [event.accountId] };
      homes.set(event.statusId, work);
      out.push(work);
    }
  }
  return out;
}
