import http from "node:http";
import { spawn } from "node:child_process";
import { percentile } from "./lib.ts";

/*
 * A small HTTP load generator that runs in its own process (so its work does not share the
 * server's event loop): keep-alive connections, a fixed number of requests in flight,
 * latency of every request. Run as `node bench/load-client.ts <json>`; prints one JSON line.
 */

export interface LoadSpec {
  origin: string;
  /** each request picks the next (round-robin) path and bearer token */
  paths: string[];
  tokens: string[];
  warmup: number;
  requests: number;
  concurrency: number;
}

export interface LoadResult {
  requests: number;
  concurrency: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  rps: number;
  errors: number;
  /** bytes of the first response, to show what was asked for */
  sampleBytes: number;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.origin);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  let next = 0;
  let errors = 0;
  let sampleBytes = 0;
  const one = (i: number) =>
    new Promise<number>((resolve) => {
      const started = performance.now();
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: spec.paths[i % spec.paths.length],
          headers: spec.tokens.length ? { authorization: `Bearer ${spec.tokens[i % spec.tokens.length]}` } : {},
        },
        (res) => {
          let bytes = 0;
          res.on("data", (d: Buffer) => (bytes += d.length));
          res.on("end", () => {
            if (res.statusCode !== 200) errors++;
            if (!sampleBytes) sampleBytes = bytes;
            resolve(performance.now() - started);
          });
        },
      );
      req.on("error", () => {
        errors++;
        resolve(performance.now() - started);
      });
      req.end();
    });
  const phase = async (count: number) => {
    const latencies: number[] = [];
    const worker = async () => {
      while (next < count) latencies.push(await one(next++));
    };
    await Promise.all(Array.from({ length: spec.concurrency }, worker));
    return latencies;
  };
  await phase(spec.warmup);
  next = 0;
  errors = 0;
  const started = performance.now();
  const latencies = await phase(spec.requests);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: spec.requests,
    concurrency: spec.concurrency,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    rps: spec.requests / seconds,
    errors,
    sampleBytes,
  };
}

/** Runs a load in a child process and returns its result. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [import.meta.filename, JSON.stringify(spec)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`load client exited with ${code}`));
      else resolve(JSON.parse(out) as LoadResult);
    });
  });
}

if (import.meta.main) {
  const spec = JSON.parse(process.argv[2]) as LoadSpec;
  process.stdout.write(JSON.stringify(await run(spec)) + "\n");
}
