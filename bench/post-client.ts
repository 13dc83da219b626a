import fs from "node:fs";
import http from "node:http";
import { spawn } from "node:child_process";
import { percentile } from "./lib.ts";
import type { SignedPost } from "./remote.ts";

/*
 * Sends pre-signed POSTs (one JSON object a line in a file) to a server from its own process,
 * `concurrency` at a time on keep-alive connections, each exactly once. Prints one JSON line:
 * wall-clock start and end (Date.now(), comparable across processes), latencies, status codes.
 */

export interface PostSpec {
  origin: string;
  file: string;
  concurrency: number;
}

export interface PostResult {
  sent: number;
  startedAt: number;
  endedAt: number;
  p50: number;
  p99: number;
  rps: number;
  statuses: Record<string, number>;
}

async function run(spec: PostSpec): Promise<PostResult> {
  const posts = fs.readFileSync(spec.file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as SignedPost);
  const url = new URL(spec.origin);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let next = 0;
  const one = (p: SignedPost) =>
    new Promise<void>((resolve) => {
      const t = performance.now();
      const req = http.request({ agent, method: "POST", host: url.hostname, port: url.port, path: p.path, headers: p.headers }, (res) => {
        res.resume();
        res.on("end", () => {
          statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
          latencies.push(performance.now() - t);
          resolve();
        });
      });
      req.on("error", () => {
        statuses.error = (statuses.error ?? 0) + 1;
        resolve();
      });
      req.end(p.body);
    });
  const startedAt = Date.now();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (next < posts.length) await one(posts[next++]);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { sent: posts.length, startedAt, endedAt: Date.now(), p50: percentile(latencies, 50), p99: percentile(latencies, 99), rps: posts.length / seconds, statuses };
}

/** Starts the sender; resolves with its result when it has sent everything. */
export function sendPosts(spec: PostSpec): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [import.meta.filename, JSON.stringify(spec)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as PostResult) : reject(new Error(`post client exited with ${code}`))));
  });
}

if (import.meta.main) process.stdout.write(JSON.stringify(await run(JSON.parse(process.argv[2]) as PostSpec)) + "\n");
