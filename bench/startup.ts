import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { cpuMs, median, repoRoot, rssMiB, stop, tempDir } from "./lib.ts";

/*
 * Start-up of an embedded (SQLite) install: time from spawning `weft serve` to its first
 * answered /health, then to a first real API answer (GET /api/v1/instance) and a first
 * federation answer (an actor document asked for as ActivityPub), each measured from the spawn.
 * Idle RSS is read 3 s after the last request, once for a server that only answered /health
 * and once for one that also answered the two real requests.
 */

export interface StartupResult {
  runs: number;
  /** the first start after install: Node's compile cache is still empty */
  coldMs: { health: number; instance: number; actor: number };
  /** medians over the warm starts */
  warmMs: { health: number; instance: number; actor: number };
  warmMinMs: { health: number; instance: number; actor: number };
  /** CPU time (user + system) the Weft process had used at each point, medians over the warm starts */
  warmCpuMs: { health: number; instance: number; actor: number };
  idleRssHealthOnlyMiB: number;
  idleRssAfterRequestsMiB: number;
}

const PORT = Number(process.env.BENCH_STARTUP_PORT ?? 3901);
const HOST = "127.0.0.1";

interface OneStart {
  health: number;
  instance: number;
  actor: number;
  cpu: { health: number; instance: number; actor: number };
  rss: number;
}

async function oneStart(env: Record<string, string>, mode: "all" | "health-only"): Promise<OneStart> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [path.join(repoRoot, "bin/weft.js"), "serve"], {
    env: { ...process.env, LOG_LEVEL: "warn", HOST, PORT: String(PORT), ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    const base = `http://${HOST}:${PORT}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const res = await fetch(`${base}/health`);
        if (res.ok) { await res.arrayBuffer(); break; }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error("Weft did not answer /health within 60 s");
      await new Promise((r) => setTimeout(r, 2));
    }
    const health = performance.now() - startedAt;
    const cpu = { health: cpuMs(child.pid!), instance: NaN, actor: NaN };
    let instance = NaN;
    let actor = NaN;
    if (mode === "all") {
      const i = await fetch(`${base}/api/v1/instance`);
      if (!i.ok) throw new Error(`/api/v1/instance answered ${i.status}`);
      await i.json();
      instance = performance.now() - startedAt;
      cpu.instance = cpuMs(child.pid!);
      const a = await fetch(`${base}/users/bench`, { headers: { accept: "application/activity+json" } });
      if (!a.ok) throw new Error(`actor fetch answered ${a.status}`);
      await a.json();
      actor = performance.now() - startedAt;
      cpu.actor = cpuMs(child.pid!);
    }
    await new Promise((r) => setTimeout(r, 3000));
    return { health, instance, actor, cpu, rss: rssMiB(child.pid!) };
  } finally {
    await stop(child);
  }
}

export async function benchStartup(runs = Number(process.env.BENCH_STARTUP_RUNS ?? 5)): Promise<StartupResult> {
  const dir = tempDir("weft-bench-start-");
  const env = {
    WEFT_DATA_DIR: dir,
    WEFT_URL: `http://${HOST}:${PORT}`,
    DATABASE_URL: "",
    REDIS_URL: "",
    // A cache of our own, so that the first start below really is a cold one.
    NODE_COMPILE_CACHE: path.join(dir, "compile-cache"),
  };
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, "bin/weft.js"), ...args], {
      env: { ...process.env, ...env, NODE_DISABLE_COMPILE_CACHE: "1" },
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`weft ${args.join(" ")} failed: ${r.stderr}`);
  };
  // Migrations and the account are done before timing, as for an operator restarting a server.
  cli("migrate");
  cli("account", "create", "bench", "--password", "bench-password-1");

  const cold = await oneStart(env, "all");
  const warm: OneStart[] = [];
  for (let i = 0; i < runs; i++) warm.push(await oneStart(env, "all"));
  const healthOnly = await oneStart(env, "health-only");
  fs.rmSync(dir, { recursive: true, force: true });
  const pick = (k: "health" | "instance" | "actor") => warm.map((w) => w[k]);
  return {
    runs,
    coldMs: { health: cold.health, instance: cold.instance, actor: cold.actor },
    warmMs: { health: median(pick("health")), instance: median(pick("instance")), actor: median(pick("actor")) },
    warmMinMs: { health: Math.min(...pick("health")), instance: Math.min(...pick("instance")), actor: Math.min(...pick("actor")) },
    warmCpuMs: {
      health: median(warm.map((w) => w.cpu.health)),
      instance: median(warm.map((w) => w.cpu.instance)),
      actor: median(warm.map((w) => w.cpu.actor)),
    },
    idleRssHealthOnlyMiB: healthOnly.rss,
    idleRssAfterRequestsMiB: median(warm.map((w) => w.rss)),
  };
}

if (import.meta.main) console.log(await benchStartup());
