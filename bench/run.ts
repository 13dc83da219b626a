import fs from "node:fs";
import path from "node:path";
import { benchInbound, type InboundResult } from "./inbound.ts";
import { load, machine, repoRoot } from "./lib.ts";
import { benchOutbound, type OutboundResult } from "./outbound.ts";
import { formatShares, type ProfileSummary } from "./profile.ts";
import { postgresAvailable, type Dialect } from "./seed.ts";
import { benchStartup, type StartupResult } from "./startup.ts";
import { benchTimeline, type TimelineResult } from "./timeline.ts";

/*
 * `npm run bench`: every benchmark, on SQLite and (when reachable) PostgreSQL; prints each
 * result as it comes and writes BENCHMARKS.md with the machine it ran on. BENCH_ONLY picks
 * some (startup,timeline,inbound,outbound); BENCH_DATABASES picks databases (sqlite,postgres);
 * the sizes are in each benchmark's file (BENCH_* variables). The "where the time goes"
 * paragraphs are bench/analysis/<name>.md, written by people reading the profiles.
 */

const only = (process.env.BENCH_ONLY ?? "startup,timeline,inbound,outbound").split(",");
const wanted = (process.env.BENCH_DATABASES ?? "sqlite,postgres").split(",") as Dialect[];

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "–");
const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "–");

function analysis(name: string): string {
  const file = path.join(repoRoot, "bench/analysis", `${name}.md`);
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : "";
}

function profileLines(p: ProfileSummary | null): string {
  if (!p) return "";
  return [
    "",
    `Profile of the Weft process over the whole run (start-up and warm-up included), self time by kind of work: ${formatShares(p, p.byGroup, 10)}.`,
    `By package: ${formatShares(p, p.byPackage)}.`,
    `Hottest functions: ${formatShares(p, p.byFunction, 6)}.`,
  ].join("\n");
}

function startupSection(r: StartupResult): string {
  return [
    "| | first /health | first GET /api/v1/instance | first actor fetch (activity+json) |",
    "| --- | ---: | ---: | ---: |",
    `| cold (empty compile cache) | ${f0(r.coldMs.health)} ms | ${f0(r.coldMs.instance)} ms | ${f0(r.coldMs.actor)} ms |`,
    `| warm, median of ${r.runs} | ${f0(r.warmMs.health)} ms | ${f0(r.warmMs.instance)} ms | ${f0(r.warmMs.actor)} ms |`,
    `| warm, best of ${r.runs} | ${f0(r.warmMinMs.health)} ms | ${f0(r.warmMinMs.instance)} ms | ${f0(r.warmMinMs.actor)} ms |`,
    `| CPU time of the Weft process at that point (warm, median) | ${f0(r.warmCpuMs.health)} ms | ${f0(r.warmCpuMs.instance)} ms | ${f0(r.warmCpuMs.actor)} ms |`,
    "",
    `Idle RSS 3 s after the last request: ${f0(r.idleRssHealthOnlyMiB)} MiB after /health only, ${f0(r.idleRssAfterRequestsMiB)} MiB after the instance and actor requests.`,
  ].join("\n");
}

function timelineSection(rs: TimelineResult[]): string {
  const s = rs[0].sizes;
  return [
    `${s.statuses.toLocaleString("en")} statuses by ${s.authors.toLocaleString("en")} authors; ${s.users.toLocaleString("en")} users following ${s.follows} authors each; home feeds capped at the newest ${s.feedCap} entries (${rs[0].feedRows.toLocaleString("en")} rows). ${s.requests} requests per run, after a warm-up; 100 different users' tokens in turn.`,
    "",
    "| database | seed | p50 | p90 | p99 | req/s (1 at a time) | CPU per request | p50 / p99 with 4 in flight | req/s (4 in flight) | p50 / p99 page ~400 deep | load |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rs.map(
      (r) =>
        `| ${r.dialect} | ${f0(r.seedSeconds)} s | ${f1(r.sequential.p50)} ms | ${f1(r.sequential.p90)} ms | ${f1(r.sequential.p99)} ms | ${f0(r.sequential.rps)} | ${f1(r.cpuMsPerRequest)} ms | ${f1(r.concurrent.p50)} / ${f1(r.concurrent.p99)} ms | ${f0(r.concurrent.rps)} | ${f1(r.deepPage.p50)} / ${f1(r.deepPage.p99)} ms | ${r.load} |`,
    ),
  ].join("\n");
}

function inboundSection(rs: InboundResult[]): string {
  const s = rs[0].sizes;
  return [
    `${s.activities} Create(Note) activities (~2 KB, signed draft-cavage with Digest) from ${s.actors} remote actors, each followed by ${s.followers} local accounts; ${s.concurrency} POSTs in flight from a second process.`,
    "",
    "| database | accepted (202) per s | POST p50 / p99 | stored + fanned out per s | CPU per activity | ⇒ per core | feed rows | key fetches | load |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rs.map(
      (r) =>
        `| ${r.dialect} | ${f0(r.accepted.rps)} | ${f0(r.accepted.p50)} / ${f0(r.accepted.p99)} ms | ${f0(r.processedPerSecond)} (${r.stored} in ${f1(r.processedSeconds)} s) | ${f1(r.cpuMsPerActivity)} ms | ${f0(1000 / r.cpuMsPerActivity)}/s | ${r.feedRows} | ${r.keyFetches} | ${r.load} |`,
    ),
    ...rs.map((r) => profileLines(r.profile) && `\n${r.dialect}:${profileLines(r.profile)}`),
  ].join("\n");
}

function outboundSection(rs: OutboundResult[]): string {
  const s = rs[0].sizes;
  return [
    `${s.posts} public posts by an account with ${s.followers.toLocaleString("en")} remote followers on ${s.servers.toLocaleString("en")} servers (distinct 127.0.0.3:port sinks in another process; one delivery per server and post via shared inboxes).`,
    "",
    "| database | POST /api/v1/statuses (each) | deliveries | signed | time | deliveries/s | CPU per delivery | ⇒ per core | load |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rs.map(
      (r) =>
        `| ${r.dialect} | ${r.postMs.map((m) => `${f0(m)} ms`).join(", ")} | ${r.deliveries} / ${r.expected} | ${r.signed} | ${f1(r.deliverySeconds)} s | ${f0(r.deliveriesPerSecond)} | ${f1(r.cpuMsPerDelivery)} ms | ${f0(1000 / r.cpuMsPerDelivery)}/s | ${r.load} |`,
    ),
    ...rs.map((r) => profileLines(r.profile) && `\n${r.dialect}:${profileLines(r.profile)}`),
  ].join("\n");
}

async function each<T>(name: string, dbs: Dialect[], fn: (d: Dialect) => Promise<T>): Promise<{ ok: T[]; failed: string[] }> {
  const ok: T[] = [];
  const failed: string[] = [];
  for (const d of dbs) {
    console.error(`— ${name} on ${d} (load ${load()})`);
    try {
      const r = await fn(d);
      console.log(JSON.stringify({ bench: name, ...r, profile: undefined }));
      ok.push(r);
    } catch (err) {
      console.error(`${name} on ${d} failed:`, err);
      failed.push(`${d}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { ok, failed };
}

const dbs: Dialect[] = [];
if (wanted.includes("sqlite")) dbs.push("sqlite");
if (wanted.includes("postgres")) {
  if (await postgresAvailable()) dbs.push("postgres");
  else console.error("PostgreSQL is not reachable (BENCH_DATABASE_URL): its runs are skipped");
}

// The analysis paragraphs are read when the document is written, so they can be edited during a run.
const sections: Array<() => string> = [];
const section = (title: string, name: string, body: string, failed: string[]) => {
  sections.push(() => {
    const notes = analysis(name);
    return [`## ${title}`, "", body, ...(failed.length ? ["", `Could not run: ${failed.join("; ")}`] : []), ...(notes ? ["", "### Where the time goes", "", notes] : [])].join("\n");
  });
};

const started = new Date();
if (only.includes("startup")) {
  console.error(`— startup (load ${load()})`);
  const r = await benchStartup();
  console.log(JSON.stringify({ bench: "startup", ...r }));
  section("Start-up and idle memory (embedded SQLite)", "startup", startupSection(r), []);
}
if (only.includes("timeline")) {
  const { ok, failed } = await each("timeline", dbs, (d) => benchTimeline(d));
  section("Home timeline", "timeline", ok.length ? timelineSection(ok) : "", failed);
}
if (only.includes("inbound")) {
  const { ok, failed } = await each("inbound", dbs, (d) => benchInbound(d));
  section("Inbound activities (shared inbox)", "inbound", ok.length ? inboundSection(ok) : "", failed);
}
if (only.includes("outbound")) {
  const { ok, failed } = await each("outbound", dbs, (d) => benchOutbound(d));
  section("Outbound delivery", "outbound", ok.length ? outboundSection(ok) : "", failed);
}

const doc = [
  "# Benchmarks",
  "",
  `Written by \`npm run bench\` (bench/run.ts) on ${started.toISOString().slice(0, 10)}, ${machine()}; 1-minute load average ${load()} at the end.`,
  "Sizes are set with BENCH_* variables (see each bench/*.ts); BENCH_ONLY and BENCH_DATABASES pick what runs.",
  "These machines are shared: wall-clock figures (latency, rates) move with the load average shown in each table,",
  "so CPU time of the Weft process is given beside them, which moves much less.",
  "",
  analysis("intro"),
  "",
  ...sections.flatMap((s) => [s(), ""]),
].join("\n");
if (process.env.BENCH_WRITE !== "0") {
  fs.writeFileSync(path.join(repoRoot, "BENCHMARKS.md"), doc);
  console.error("wrote BENCHMARKS.md");
}
