import fs from "node:fs";
import path from "node:path";
import { newId } from "../src/domain/ids.ts";
import { localAccountUris } from "../src/domain/uris.ts";
import { cpuMs, load, startWeft, stop, tempDir } from "./lib.ts";
import { sendPosts, type PostResult } from "./post-client.ts";
import { profileArgs, summariseProfile, type ProfileSummary } from "./profile.ts";
import { mastodonCreate, signedPost, startRemoteActors, storeRemoteAccounts, type RemoteServer } from "./remote.ts";
import { createBenchDb, type BenchDb, type Dialect } from "./seed.ts";

/*
 * Inbound federation: ACTIVITIES signed Create(Note) activities, Mastodon-shaped (~2 KB, each
 * with its own id), POSTed to the shared inbox from a second process, from ACTORS remote
 * accounts that each have FOLLOWERS local followers. Measured: the rate at which Weft accepts
 * them (202), and the rate until every one is stored and in every follower's home feed.
 * The remote accounts are stored beforehand (as after a first contact); their keys are served
 * over HTTP from this process on 127.0.0.2, so Fedify fetches each key once, as in life.
 */

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export const inboundSizes = () => ({
  activities: env("BENCH_INBOUND_ACTIVITIES", 1_000),
  actors: env("BENCH_INBOUND_ACTORS", 50),
  followers: env("BENCH_INBOUND_FOLLOWERS", 20),
  concurrency: env("BENCH_INBOUND_CONCURRENCY", 16),
});

export interface InboundResult {
  dialect: Dialect;
  sizes: ReturnType<typeof inboundSizes>;
  accepted: PostResult;
  /** activities per second from the first POST until all were stored and fanned out */
  processedPerSecond: number;
  processedSeconds: number;
  stored: number;
  feedRows: number;
  keyFetches: number;
  /** the Weft process's CPU time over the measured batch, per activity */
  cpuMsPerActivity: number;
  profile: ProfileSummary | null;
  load: string;
}

async function seedFollowers(db: BenchDb, remote: RemoteServer, followers: number): Promise<void> {
  await storeRemoteAccounts(db, remote);
  const now = new Date().toISOString();
  const accounts: unknown[][] = [];
  const users: unknown[][] = [];
  const localIds: string[] = [];
  for (let i = 0; i < followers; i++) {
    const id = newId();
    const u = localAccountUris(db.config, `f${i}`);
    localIds.push(id);
    accounts.push([id, `f${i}`, null, u.uri, u.url, u.inbox_url, u.shared_inbox_url, u.outbox_url, u.followers_url, u.following_url, now, now]);
    users.push([id, "{}", now]);
  }
  await db.insert("accounts", ["id", "username", "domain", "uri", "url", "inbox_url", "shared_inbox_url", "outbox_url", "followers_url", "following_url", "created_at", "updated_at"], accounts);
  await db.insert("users", ["account_id", "keys", "created_at"], users);
  // Every local account follows every remote actor: each post lands in `followers` home feeds.
  const follows: unknown[][] = [];
  for (const a of remote.actors) for (const l of localIds) follows.push([newId(), l, a.accountId, `${remote.origin}/follows/${follows.length}`, now]);
  await db.insert("follows", ["id", "account_id", "target_account_id", "uri", "created_at"], follows);
}

async function writePosts(file: string, remote: RemoteServer, inbox: string, from: number, count: number): Promise<void> {
  const lines: string[] = [];
  for (let i = from; i < from + count; i++) {
    const actor = remote.actors[i % remote.actors.length];
    lines.push(JSON.stringify(await signedPost(actor, inbox, mastodonCreate(actor, i))));
  }
  fs.writeFileSync(file, lines.join("\n") + "\n");
}

async function waitFor(db: BenchDb, statuses: number, feedRows: number, timeoutMs: number): Promise<{ stored: number; feed: number; at: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stored = Number((await db.query("SELECT count(*) AS n FROM statuses"))[0].n);
    const feed = Number((await db.query("SELECT count(*) AS n FROM home_feed"))[0].n);
    if ((stored >= statuses && feed >= feedRows) || Date.now() > deadline) return { stored, feed, at: Date.now() };
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function benchInbound(dialect: Dialect, port = 3920): Promise<InboundResult> {
  const sizes = inboundSizes();
  const origin = `http://127.0.0.1:${port}`;
  const db = await createBenchDb(dialect, origin);
  const remote = await startRemoteActors(sizes.actors);
  const dir = tempDir("weft-bench-inbound-");
  const profileDir = path.join(dir, "profile");
  try {
    await seedFollowers(db, remote, sizes.followers);
    await db.handle.close();
    const inbox = `${origin}/inbox`;
    const warm = Math.min(200, sizes.activities);
    await writePosts(path.join(dir, "warm.jsonl"), remote, inbox, 0, warm);
    await writePosts(path.join(dir, "main.jsonl"), remote, inbox, warm, sizes.activities);

    const profiling = process.env.BENCH_PROFILE !== "0";
    const server = await startWeft(
      { ...db.env, WEFT_URL: origin, WEFT_ALLOW_PRIVATE_ADDRESS: "true", WEFT_RATE_LIMIT_SCALE: "0" },
      port,
      "127.0.0.1",
      profiling ? profileArgs(profileDir) : [],
    );
    try {
      // Warm-up: keys fetched once, code paths compiled.
      await sendPosts({ origin, file: path.join(dir, "warm.jsonl"), concurrency: sizes.concurrency });
      await waitFor(db, warm, warm * sizes.followers, 120_000);
      const cpu0 = cpuMs(server.child.pid!);
      const accepted = await sendPosts({ origin, file: path.join(dir, "main.jsonl"), concurrency: sizes.concurrency });
      const total = warm + sizes.activities;
      const done = await waitFor(db, total, total * sizes.followers, 300_000);
      const cpu = cpuMs(server.child.pid!) - cpu0;
      const processedSeconds = (done.at - accepted.startedAt) / 1000;
      const result = {
        dialect,
        sizes,
        accepted,
        processedPerSecond: (done.stored - warm) / processedSeconds,
        processedSeconds,
        stored: done.stored - warm,
        feedRows: done.feed - warm * sizes.followers,
        keyFetches: remote.fetches(),
        cpuMsPerActivity: cpu / sizes.activities,
        profile: null as ProfileSummary | null,
        load: load(),
      };
      await stop(server.child);
      result.profile = summariseProfile(profileDir);
      return result;
    } finally {
      await stop(server.child);
    }
  } finally {
    await remote.close();
    await db.drop();
    if (process.env.BENCH_KEEP) console.error(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  console.log(JSON.stringify(await benchInbound((process.argv[2] ?? "sqlite") as Dialect), null, 2));
}
