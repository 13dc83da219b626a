import fs from "node:fs";
import path from "node:path";
import { createLocalAccount } from "../src/domain/accounts.ts";
import { newId } from "../src/domain/ids.ts";
import { createAccessToken } from "../src/domain/tokens.ts";
import { cpuMs, load, median, startWeft, stop, tempDir } from "./lib.ts";
import { profileArgs, summariseProfile, type ProfileSummary } from "./profile.ts";
import { createBenchDb, type BenchDb, type Dialect } from "./seed.ts";
import { startSink, type Sink } from "./sink.ts";

/*
 * Outbound federation: a local account with FOLLOWERS remote followers spread over SERVERS
 * loopback servers (a sink process, one host:port each) writes POSTS public posts through
 * POST /api/v1/statuses. Measured: how long the posting request takes (it must not grow with
 * the audience: delivery is queued), and signed deliveries per second until every server has
 * received every post (one delivery per server and post, through shared inboxes).
 */

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export const outboundSizes = () => ({
  followers: env("BENCH_OUTBOUND_FOLLOWERS", 20_000),
  servers: env("BENCH_OUTBOUND_SERVERS", 2_000),
  posts: env("BENCH_OUTBOUND_POSTS", 2),
  /** how long each sink server takes to answer */
  sinkDelayMs: env("BENCH_SINK_DELAY_MS", 0),
});

export interface OutboundResult {
  dialect: Dialect;
  sizes: ReturnType<typeof outboundSizes>;
  postMs: number[];
  postMedianMs: number;
  deliveries: number;
  expected: number;
  signed: number;
  deliverySeconds: number;
  deliveriesPerSecond: number;
  cpuMsPerDelivery: number;
  profile: ProfileSummary | null;
  load: string;
}

async function seedFollowers(db: BenchDb, sink: Sink, posterId: string, followers: number, servers: number, prefix: string): Promise<void> {
  const now = new Date().toISOString();
  const accounts: unknown[][] = [];
  const follows: unknown[][] = [];
  for (let i = 0; i < followers; i++) {
    const origin = `http://${sink.host}:${sink.ports[i % servers]}`;
    const uri = `${origin}/users/${prefix}${i}`;
    const id = newId();
    accounts.push([id, `${prefix}${i}`, `${sink.host}:${sink.ports[i % servers]}`, uri, uri, `${uri}/inbox`, `${origin}/inbox`, `${uri}/followers`, now, now, now]);
    follows.push([newId(), id, posterId, `${uri}#follows/${i}`, now]);
  }
  await db.insert("accounts", ["id", "username", "domain", "uri", "url", "inbox_url", "shared_inbox_url", "followers_url", "created_at", "updated_at", "fetched_at"], accounts);
  await db.insert("follows", ["id", "account_id", "target_account_id", "uri", "created_at"], follows);
  await db.query(`UPDATE accounts SET followers_count = ${followers} WHERE id = '${posterId}'`);
}

async function post(origin: string, token: string, text: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(`${origin}/api/v1/statuses`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ status: text, visibility: "public" }),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`posting answered ${res.status}`);
  return performance.now() - t;
}

async function waitForDeliveries(sink: Sink, expected: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last = await sink.stats();
  let lastChange = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const s = await sink.stats();
    if (s.count !== last.count) lastChange = Date.now();
    last = s;
    // Done, out of time, or nothing arrived for 30 s (deliveries stuck or failing).
    if (s.count >= expected || Date.now() > deadline || Date.now() - lastChange > 30_000) return s;
  }
}

export async function benchOutbound(dialect: Dialect, port = 3930): Promise<OutboundResult> {
  const sizes = outboundSizes();
  const origin = `http://127.0.0.1:${port}`;
  const db = await createBenchDb(dialect, origin);
  const sink = await startSink(sizes.servers);
  const dir = tempDir("weft-bench-outbound-");
  const profileDir = path.join(dir, "profile");
  try {
    const poster = await createLocalAccount(db.ctx, { username: "poster", password: "bench-password-1" });
    const warm = await createLocalAccount(db.ctx, { username: "warm", password: "bench-password-1" });
    const token = (await createAccessToken(db.ctx, { accountId: poster.id, appId: null, scopes: "read write" })).token;
    const warmToken = (await createAccessToken(db.ctx, { accountId: warm.id, appId: null, scopes: "read write" })).token;
    await seedFollowers(db, sink, poster.id, sizes.followers, sizes.servers, "f");
    const warmServers = Math.min(100, sizes.servers);
    await seedFollowers(db, sink, warm.id, warmServers, warmServers, "w");
    await db.handle.close();

    const profiling = process.env.BENCH_PROFILE !== "0";
    const server = await startWeft(
      { ...db.env, WEFT_URL: origin, WEFT_ALLOW_PRIVATE_ADDRESS: "true", WEFT_RATE_LIMIT_SCALE: "0" },
      port,
      "127.0.0.1",
      profiling ? profileArgs(profileDir) : [],
    );
    try {
      // Warm-up: the posting and delivery paths compiled, connections to some servers open.
      await post(origin, warmToken, "warming up");
      await waitForDeliveries(sink, warmServers, 120_000);
      await sink.reset();

      const cpu0 = cpuMs(server.child.pid!);
      const startedAt = Date.now();
      const postMs: number[] = [];
      for (let i = 0; i < sizes.posts; i++) postMs.push(await post(origin, token, `Benchmark post ${i}: hello to ${sizes.followers} followers`));
      const expected = sizes.posts * sizes.servers;
      const done = await waitForDeliveries(sink, expected, 600_000);
      const cpu = cpuMs(server.child.pid!) - cpu0;
      const deliverySeconds = ((done.lastAt || Date.now()) - startedAt) / 1000;
      const result: OutboundResult = {
        dialect,
        sizes,
        postMs,
        postMedianMs: median(postMs),
        deliveries: done.count,
        expected,
        signed: done.signed,
        deliverySeconds,
        deliveriesPerSecond: done.count / deliverySeconds,
        cpuMsPerDelivery: cpu / Math.max(1, done.count),
        profile: null,
        load: load(),
      };
      await stop(server.child);
      result.profile = summariseProfile(profileDir);
      return result;
    } finally {
      await stop(server.child);
    }
  } finally {
    sink.close();
    await db.drop();
    if (process.env.BENCH_KEEP) console.error(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  console.log(JSON.stringify(await benchOutbound((process.argv[2] ?? "sqlite") as Dialect), null, 2));
}
