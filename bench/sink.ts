import http from "node:http";
import { fork } from "node:child_process";
import type { AddressInfo } from "node:net";

/*
 * Loopback "remote servers" for the outbound benchmark, in their own process: SERVERS HTTP
 * listeners on 127.0.0.3, each a different host:port (so Fedify counts them as different
 * servers and delivers to each shared inbox once). Every POST is answered 202 and counted.
 */

interface SinkState {
  ports: number[];
  count: number;
  firstAt: number;
  lastAt: number;
  signed: number;
}

export interface Sink {
  ports: number[];
  host: string;
  stats(): Promise<SinkState>;
  reset(): Promise<void>;
  close(): void;
}

export async function startSink(servers: number, host = "127.0.0.3"): Promise<Sink> {
  const child = fork(import.meta.filename, [String(servers), host], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ask = (type: string) =>
    new Promise<SinkState>((resolve) => {
      child.once("message", (m) => resolve(m as SinkState));
      child.send(type);
    });
  const first = await new Promise<SinkState>((resolve) => child.once("message", (m) => resolve(m as SinkState)));
  return {
    ports: first.ports,
    host,
    stats: () => ask("stats"),
    reset: async () => void (await ask("reset")),
    close: () => child.kill(),
  };
}

async function serve(servers: number, host: string): Promise<void> {
  const state: SinkState = { ports: [], count: 0, firstAt: 0, lastAt: 0, signed: 0 };
  const delayMs = Number(process.env.BENCH_SINK_DELAY_MS ?? 0);
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "POST") {
        const now = Date.now();
        state.count++;
        if (req.headers.signature || req.headers["signature-input"]) state.signed++;
        state.firstAt ||= now;
        state.lastAt = now;
      }
      // BENCH_SINK_DELAY_MS: answer as late as a distant server would (real inboxes are 50–500 ms away).
      if (delayMs > 0) setTimeout(() => res.writeHead(202).end(), delayMs);
      else res.writeHead(202).end();
    });
  };
  for (let i = 0; i < servers; i++) {
    const server = http.createServer({ keepAliveTimeout: 30_000 }, onRequest);
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    state.ports.push((server.address() as AddressInfo).port);
  }
  process.on("message", (m) => {
    if (m === "reset") Object.assign(state, { count: 0, firstAt: 0, lastAt: 0, signed: 0 });
    process.send!(state);
  });
  process.send!(state);
}

if (import.meta.main) await serve(Number(process.argv[2]), process.argv[3]);
