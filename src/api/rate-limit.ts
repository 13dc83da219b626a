import { createHash } from "node:crypto";
import { BlockList, isIP } from "node:net";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Redis } from "ioredis";
import type { WeftApp } from "../app.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { authenticate, type AuthState } from "./auth.ts";
import { readParams, stringParam } from "./body.ts";

/*
 * Mastodon's request throttles (its config/initializers/rack_attack.rb), as fixed windows
 * aligned to the epoch: every API response says how much of the window is left in
 * X-RateLimit-Limit / -Remaining / -Reset, and a request past a limit gets 429. Counters live
 * in this process (one process per instance) or in Redis (scale mode: many web processes).
 *
 * Address-keyed rules spare loopback callers, as Mastodon's "allow from localhost" safelist
 * does; behind a reverse proxy on the same host the client address comes from
 * X-Forwarded-For, which is believed only when the connection itself comes from loopback or a
 * private network.
 */

interface Rule {
  name: string;
  limit: number;
  periodSeconds: number;
  /** the counter this request counts against, or null when the rule does not apply */
  key(req: RequestFacts): string | null;
}

interface RequestFacts {
  method: string;
  path: string;
  auth: AuthState;
  /** null when the caller is on loopback (safelisted) or unknown */
  address: string | null;
  grantType: string | null;
}

const MINUTE = 60;

const isApi = (r: RequestFacts) => r.path.startsWith("/api/");
const tokenOf = (r: RequestFacts) => (r.auth.kind === "valid" ? r.auth.auth : null);

/** Mastodon's numbers; `scale` (WEFT_RATE_LIMIT_SCALE) multiplies each limit. */
function rules(scale: number): Rule[] {
  const n = (limit: number) => Math.max(1, Math.round(limit * scale));
  return [
    { name: "api/token", limit: n(300), periodSeconds: 5 * MINUTE, key: (r) => (isApi(r) ? (tokenOf(r)?.token.id ?? null) : null) },
    {
      name: "api/account",
      limit: n(1500),
      periodSeconds: 5 * MINUTE,
      key: (r) => (isApi(r) ? (tokenOf(r)?.account?.id ?? null) : null),
    },
    { name: "api/address", limit: n(300), periodSeconds: 5 * MINUTE, key: (r) => (isApi(r) && !tokenOf(r) ? r.address : null) },
    {
      name: "media",
      limit: n(30),
      periodSeconds: 30 * MINUTE,
      key: (r) => (r.method === "POST" && /^\/api\/v[12]\/media\/?$/.test(r.path) ? (tokenOf(r)?.account?.id ?? null) : null),
    },
    {
      name: "sign-up",
      limit: n(5),
      periodSeconds: 30 * MINUTE,
      key: (r) => (r.method === "POST" && /^\/api\/v1\/accounts\/?$/.test(r.path) ? r.address : null),
    },
    {
      name: "sign-in",
      limit: n(25),
      periodSeconds: 5 * MINUTE,
      key: (r) =>
        r.method === "POST" && (r.path === "/oauth/authorize" || (r.path === "/oauth/token" && r.grantType === "password"))
          ? r.address
          : null,
    },
  ];
}

/** Counts hits in fixed windows; `increment` answers the count including this hit. */
export interface CounterStore {
  increment(key: string, windowEndsAt: number): Promise<number>;
  close(): Promise<void>;
}

export class MemoryCounterStore implements CounterStore {
  readonly #counts = new Map<string, { count: number; until: number }>();
  #sinceSweep = 0;

  async increment(key: string, windowEndsAt: number): Promise<number> {
    const now = Date.now();
    if (++this.#sinceSweep >= 1000) this.#sweep(now);
    const entry = this.#counts.get(key);
    if (entry && entry.until > now) return ++entry.count;
    this.#counts.set(key, { count: 1, until: windowEndsAt });
    return 1;
  }

  #sweep(now: number): void {
    this.#sinceSweep = 0;
    for (const [key, entry] of this.#counts) if (entry.until <= now) this.#counts.delete(key);
  }

  async close(): Promise<void> {
    this.#counts.clear();
  }
}

export class RedisCounterStore implements CounterStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async increment(key: string, windowEndsAt: number): Promise<number> {
    const k = this.#prefix + key;
    // The window is part of the key, so the expiry is the same whichever process sets it.
    const results = await this.#redis.multi().incr(k).pexpireat(k, windowEndsAt + 1000).exec();
    const [err, count] = results?.[0] ?? [new Error("no reply"), 0];
    if (err) throw err;
    return Number(count);
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// Who is calling: the socket's address, or the client a trusted proxy on this host speaks for.

const clientAddresses = new WeakMap<Request, string>();

const trustedProxies = new BlockList();
trustedProxies.addSubnet("127.0.0.0", 8, "ipv4");
trustedProxies.addSubnet("10.0.0.0", 8, "ipv4");
trustedProxies.addSubnet("172.16.0.0", 12, "ipv4");
trustedProxies.addSubnet("192.168.0.0", 16, "ipv4");
trustedProxies.addAddress("::1", "ipv6");
trustedProxies.addSubnet("fc00::", 7, "ipv6");

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

function plainAddress(raw: string | undefined | null): string | null {
  if (!raw) return null;
  const s = raw.trim().replace(/^\[|\]$/g, "").replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");
  return isIP(s) ? s : null;
}

function inList(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

/** The client address for a connection from `peer` carrying `forwardedFor`. */
export function clientAddressOf(peer: string | null, forwardedFor: string | null): string | null {
  let address = plainAddress(peer);
  if (address && forwardedFor && inList(trustedProxies, address)) {
    const hops = forwardedFor.split(",").map(plainAddress);
    // Rightmost first: each trusted proxy speaks for the hop before it.
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i];
      if (!hop) break;
      address = hop;
      if (!inList(trustedProxies, hop)) break;
    }
  }
  return address;
}

/**
 * Notes each request's client address before Fedify and the inner routes see it (they get the
 * bare Request, without the Node socket). Mounted on the outermost app in http.ts.
 */
export function rememberClientAddress(): MiddlewareHandler {
  return async (c, next) => {
    let peer: string | null = null;
    try {
      peer = getConnInfo(c).remote.address ?? null;
    } catch {
      // Not running on Node's server (tests calling app.fetch directly): no address.
    }
    const address = clientAddressOf(peer, c.req.header("x-forwarded-for") ?? null);
    if (address) clientAddresses.set(c.req.raw, address);
    await next();
  };
}

/** The client address remembered for this request, if any. */
export function clientAddress(req: Request): string | null {
  return clientAddresses.get(req) ?? null;
}

/** Throttles key on a /64 for IPv6, as one household or server usually holds a whole one. */
function throttleKey(address: string | null): string | null {
  if (!address || inList(loopback, address)) return null;
  if (isIP(address) !== 6) return address;
  const groups = expandIpv6(address);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : address;
}

function expandIpv6(address: string): string[] | null {
  const [head, tail = ""] = address.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  if (!address.includes("::")) return h.length === 8 ? h : null;
  return [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
}

// ---------------------------------------------------------------------------------------------

function redisPrefix(config: Config): string {
  const database = config.databaseUrl ? new URL(config.databaseUrl).pathname : config.sqlitePath;
  const tag = createHash("sha256").update(database).digest("hex").slice(0, 10);
  return `weft:${config.url.host}:${tag}:ratelimit:`;
}

async function redisStore(app: WeftApp): Promise<CounterStore> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(app.config.redisUrl!, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on("error", (err) => app.log.warn({ err }, "rate limit: redis connection error"));
  const store = new RedisCounterStore(redis, redisPrefix(app.config));
  // The connection belongs to this app: let closing the app close it too.
  const close = app.close.bind(app);
  app.close = async () => {
    await store.close();
    await close();
  };
  return store;
}

const REDIS_TIMEOUT_MS = 250;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("rate limit store timed out")), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

interface Tally {
  rule: Rule;
  count: number;
  resetAt: number;
}

function setHeaders(c: Context, t: Tally): void {
  c.header("X-RateLimit-Limit", String(t.rule.limit));
  c.header("X-RateLimit-Remaining", String(Math.max(0, t.rule.limit - t.count)));
  c.header("X-RateLimit-Reset", new Date(t.resetAt).toISOString());
}

async function grantTypeOf(c: Context): Promise<string | null> {
  if (c.req.method !== "POST" || c.req.path !== "/oauth/token") return null;
  try {
    return stringParam((await readParams(c)).grant_type) ?? null;
  } catch {
    return null;
  }
}

/**
 * The throttle middleware. It resolves the caller's token itself (the same cached lookup the
 * OAuth mount installs), so it can run before the OAuth routes and throttle sign-in too.
 */
export function rateLimit(app: WeftApp, options: { store?: CounterStore } = {}): MiddlewareHandler {
  const active = rules(app.config.rateLimitScale);
  const auth = authenticate(app);
  const log: Logger = app.log;
  let store: Promise<CounterStore> | null = options.store ? Promise.resolve(options.store) : null;
  const storeOf = () => (store ??= app.config.redisUrl ? redisStore(app) : Promise.resolve(new MemoryCounterStore()));
  let lastWarning = 0;

  return async (c, next) => {
    if (app.config.rateLimitScale === 0 || c.req.method === "OPTIONS") return next();
    await auth(c, async () => {});
    const facts: RequestFacts = {
      method: c.req.method,
      path: c.req.path,
      auth: c.get("weftAuth"),
      address: throttleKey(clientAddress(c.req.raw)),
      grantType: await grantTypeOf(c),
    };
    const now = Date.now();
    const tallies: Tally[] = [];
    try {
      const counters = await storeOf();
      for (const rule of active) {
        const key = rule.key(facts);
        if (key === null) continue;
        const periodMs = rule.periodSeconds * 1000;
        const window = Math.floor(now / periodMs);
        const resetAt = (window + 1) * periodMs;
        const count = await withTimeout(counters.increment(`${rule.name}:${key}:${window}`, resetAt), REDIS_TIMEOUT_MS);
        tallies.push({ rule, count, resetAt });
      }
    } catch (err) {
      // A broken counter store must not take the API down: let the request through, say so now and then.
      if (now - lastWarning > 60_000) {
        lastWarning = now;
        log.warn({ err }, "rate limiting skipped: counter store unavailable");
      }
      return next();
    }
    const exceeded = tallies.find((t) => t.count > t.rule.limit);
    if (exceeded) {
      setHeaders(c, exceeded);
      c.header("Retry-After", String(Math.max(1, Math.ceil((exceeded.resetAt - now) / 1000))));
      return c.json({ error: "Too many requests" }, 429);
    }
    await next();
    // The headers tell of the rule closest to its limit.
    const tightest = tallies.reduce<Tally | null>(
      (a, t) => (!a || t.rule.limit - t.count < a.rule.limit - a.count ? t : a),
      null,
    );
    if (tightest && facts.path.startsWith("/api/")) setHeaders(c, tightest);
  };
}

/** Mounts the throttle in front of the API and the sign-in endpoints. */
export function mountRateLimit(routes: Hono, app: WeftApp): void {
  const mw = rateLimit(app);
  routes.use("/api/*", mw);
  routes.use("/oauth/token", mw);
  routes.use("/oauth/authorize", mw);
}
