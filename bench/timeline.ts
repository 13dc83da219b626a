import { newId } from "../src/domain/ids.ts";
import { createAccessToken, createOauthApp } from "../src/domain/tokens.ts";
import { localAccountUris } from "../src/domain/uris.ts";
import { runLoad, type LoadResult } from "./load-client.ts";
import { cpuMs, load, startWeft, stop } from "./lib.ts";
import { createBenchDb, type BenchDb, type Dialect } from "./seed.ts";

/*
 * GET /api/v1/timelines/home on a database the size of a busy small server: STATUSES statuses
 * by AUTHORS remote accounts, USERS local users following FOLLOWS authors each, and home_feed
 * rows as fan-out would have written them, capped at the newest FEED_CAP per user (like
 * Mastodon's Redis feeds; seeding every user's whole history would be 20 M rows for nothing:
 * a request reads the newest 20). Requests go over real HTTP with real bearer tokens, from a
 * second process, on keep-alive connections.
 */

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export const timelineSizes = () => ({
  statuses: env("BENCH_STATUSES", 1_000_000),
  authors: env("BENCH_AUTHORS", 10_000),
  users: env("BENCH_USERS", 1_000),
  follows: env("BENCH_FOLLOWS", 200),
  feedCap: env("BENCH_FEED_CAP", 800),
  requests: env("BENCH_TIMELINE_REQUESTS", 2_000),
  concurrency: env("BENCH_TIMELINE_CONCURRENCY", 4),
});

export interface TimelineResult {
  dialect: Dialect;
  sizes: ReturnType<typeof timelineSizes>;
  seedSeconds: number;
  feedRows: number;
  sequential: LoadResult;
  concurrent: LoadResult;
  /** a page further down: max_id ~400 entries into the feed */
  deepPage: LoadResult;
  /** the Weft process's CPU time per request over the sequential run */
  cpuMsPerRequest: number;
  load: string;
}

/** A small deterministic PRNG, so that both databases get the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = "the of and to in is you that it he was for on are as with his they at be this from have or by one had not but what all were when we there can an your which their said if do will each about how up out them then she many some so these would other into has more her two like him see time could no make than first been its who now people my made over did down only way find use may water long little very after words called just where most know".split(" ");

export async function seedTimeline(db: BenchDb, sizes = timelineSizes()): Promise<{ userIds: string[]; feedRows: number }> {
  const random = rng(42);
  const now = Date.now();
  const span = 30 * 24 * 3600 * 1000;
  const iso = (ms: number) => new Date(ms).toISOString();

  const authorIds: string[] = [];
  const accountRows: unknown[][] = [];
  const cols = ["id", "username", "domain", "uri", "url", "inbox_url", "shared_inbox_url", "outbox_url", "followers_url", "following_url", "display_name", "note", "created_at", "updated_at"];
  for (let i = 0; i < sizes.authors; i++) {
    const id = newId(now - span - 1000 + i);
    const domain = `r${i % 200}.bench.example`;
    const base = `https://${domain}/users/a${i}`;
    authorIds.push(id);
    accountRows.push([id, `a${i}`, domain, base, `https://${domain}/@a${i}`, `${base}/inbox`, `https://${domain}/inbox`, `${base}/outbox`, `${base}/followers`, `${base}/following`, `Author ${i}`, "<p>A remote author</p>", iso(now - span), iso(now - span)]);
  }
  const userIds: string[] = [];
  const userRows: unknown[][] = [];
  for (let i = 0; i < sizes.users; i++) {
    const id = newId(now - span - 100_000 + i);
    const u = localAccountUris(db.config, `u${i}`);
    userIds.push(id);
    accountRows.push([id, `u${i}`, null, u.uri, u.url, u.inbox_url, u.shared_inbox_url, u.outbox_url, u.followers_url, u.following_url, `User ${i}`, "", iso(now - span), iso(now - span)]);
    userRows.push([id, 0, 1, "{}", "{}", iso(now - span)]);
  }
  await db.insert("accounts", cols, accountRows);
  await db.insert("users", ["account_id", "admin", "approved", "keys", "settings", "created_at"], userRows);

  let feedRows = 0;
  await db.withoutIndexes(["statuses", "follows", "home_feed"], async () => {
    // Statuses, oldest first, each by a random author; remembered per author, newest last.
    const byAuthor: Array<Array<{ id: string; at: number }>> = authorIds.map(() => []);
    const statusCols = ["id", "uri", "url", "account_id", "local", "content", "visibility", "language", "created_at"];
    const batch = 100_000;
    for (let start = 0; start < sizes.statuses; start += batch) {
      const rows: unknown[][] = [];
      for (let i = start; i < Math.min(sizes.statuses, start + batch); i++) {
        const at = now - span + Math.floor((i / sizes.statuses) * span);
        const id = newId(at);
        const a = Math.floor(random() * sizes.authors);
        const domain = `r${a % 200}.bench.example`;
        byAuthor[a].push({ id, at });
        const words = Array.from({ length: 12 + Math.floor(random() * 30) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(" ");
        rows.push([id, `https://${domain}/users/a${a}/statuses/${i}`, `https://${domain}/@a${a}/${i}`, authorIds[a], 0, `<p>${words}</p>`, "public", "en", iso(at)]);
      }
      await db.insert("statuses", statusCols, rows);
    }

    // Follows, and each user's home feed: the newest FEED_CAP statuses of the authors they follow.
    for (let u0 = 0; u0 < sizes.users; u0 += 100) {
      const followRows: unknown[][] = [];
      const feed: unknown[][] = [];
      for (let u = u0; u < Math.min(sizes.users, u0 + 100); u++) {
        const followed = new Set<number>();
        while (followed.size < Math.min(sizes.follows, sizes.authors)) followed.add(Math.floor(random() * sizes.authors));
        const candidates: Array<{ id: string; at: number; author: number }> = [];
        // With statuses spread at random, an author rarely has more than a few in any user's newest 800.
        const perAuthor = Math.max(20, Math.ceil((sizes.feedCap / followed.size) * 5));
        for (const a of followed) {
          followRows.push([newId(now - span + u), userIds[u], authorIds[a], null, iso(now - span)]);
          for (const s of byAuthor[a].slice(-perAuthor)) candidates.push({ ...s, author: a });
        }
        candidates.sort((x, y) => (x.id < y.id ? 1 : -1));
        for (const c of candidates.slice(0, sizes.feedCap)) feed.push([userIds[u], c.id, authorIds[c.author], iso(c.at)]);
      }
      await db.insert("follows", ["id", "account_id", "target_account_id", "uri", "created_at"], followRows);
      await db.insert("home_feed", ["account_id", "status_id", "author_id", "created_at"], feed);
      feedRows += feed.length;
    }
  });
  await db.query("ANALYZE");
  return { userIds, feedRows };
}

export async function benchTimeline(dialect: Dialect, port = 3910): Promise<TimelineResult> {
  const sizes = timelineSizes();
  const origin = `http://127.0.0.1:${port}`;
  const db = await createBenchDb(dialect, origin);
  try {
    const t0 = performance.now();
    const { userIds } = await seedTimeline(db, sizes);
    const seedSeconds = (performance.now() - t0) / 1000;
    const feedRows = Number((await db.query("SELECT count(*) AS n FROM home_feed"))[0].n);

    const app = await createOauthApp(db.ctx, { name: "bench", redirectUris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write" });
    const tokens: string[] = [];
    for (const id of userIds.slice(0, 100)) tokens.push((await createAccessToken(db.ctx, { accountId: id, appId: app.id, scopes: "read write" })).token);
    // A max_id ~400 entries down each of those users' feeds.
    const deepPaths: string[] = [];
    for (const id of userIds.slice(0, 100)) {
      const row = await db.handle.db.selectFrom("home_feed").select("status_id").where("account_id", "=", id).orderBy("status_id", "desc").offset(400).limit(1).executeTakeFirst();
      deepPaths.push(`/api/v1/timelines/home?max_id=${row?.status_id ?? ""}`);
    }
    await db.handle.close();

    const server = await startWeft({ ...db.env, WEFT_URL: origin, WEFT_RATE_LIMIT_SCALE: "0" }, port);
    let cpuMsPerRequest = NaN;
    try {
      const home = ["/api/v1/timelines/home"];
      const sequential = await runLoad({ origin, paths: home, tokens, warmup: 300, requests: 0, concurrency: 1 }).then(async () => {
        const cpu0 = cpuMs(server.child.pid!);
        const r = await runLoad({ origin, paths: home, tokens, warmup: 0, requests: sizes.requests, concurrency: 1 });
        cpuMsPerRequest = (cpuMs(server.child.pid!) - cpu0) / sizes.requests;
        return r;
      });
      const concurrent = await runLoad({ origin, paths: home, tokens, warmup: 100, requests: sizes.requests, concurrency: sizes.concurrency });
      const deepPage = await runLoad({ origin, paths: deepPaths, tokens, warmup: 100, requests: Math.min(1000, sizes.requests), concurrency: 1 });
      return { dialect, sizes, seedSeconds, feedRows, sequential, concurrent, deepPage, cpuMsPerRequest, load: load() };
    } finally {
      await stop(server.child);
    }
  } finally {
    await db.drop();
  }
}

if (import.meta.main) {
  const dialect = (process.argv[2] ?? "sqlite") as Dialect;
  console.log(JSON.stringify(await benchTimeline(dialect), null, 2));
}
