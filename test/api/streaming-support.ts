import type { Server } from "node:http";
import WebSocket from "ws";
import { attachStreaming, closeStreaming, streamingHub } from "../../src/api/streaming/index.ts";
import type { StreamHub } from "../../src/api/streaming/hub.ts";
import { type TestDb } from "../helpers/db.ts";
import { startApiServer, type ApiServer } from "../helpers/server.ts";

/*
 * A Weft serving REST and streaming on a real loopback port, the way `weft serve` does: the
 * WebSocket upgrade handler on the HTTP server, and (optionally) the queue worker, without which
 * posts never reach followers' home feeds. With REDIS_URL set, events go through Redis.
 */

export interface StreamingServer extends ApiServer {
  hub: StreamHub;
  /** ws://127.0.0.1:port */
  wsUrl: string;
}

export interface StreamingServerOptions {
  /** share a database with another instance (it is then not dropped on close) */
  db?: TestDb;
  /** the public URL, when another process of the same instance listens elsewhere */
  publicUrl?: string;
  /** run the queue worker (fan-out to home feeds) */
  worker?: boolean;
  heartbeatMs?: number;
  tokenCheckMs?: number;
}

export async function startStreamingServer(options: StreamingServerOptions = {}): Promise<StreamingServer> {
  let detach = () => {};
  const base = await startApiServer(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}, {
    db: options.db,
    publicUrl: options.publicUrl,
    worker: options.worker,
    prepare: (app) => void streamingHub(app, { heartbeatMs: options.heartbeatMs, tokenCheckMs: options.tokenCheckMs }),
    async beforeClose() {
      await closeStreaming(base.app);
      detach();
    },
  });
  const { app } = base;
  const hub = streamingHub(app);
  detach = attachStreaming(base.server as Server, app);
  return { ...base, wsUrl: `ws://127.0.0.1:${base.port}`, hub };
}

export interface StreamMessage {
  stream?: string[];
  event?: string;
  payload?: string;
  error?: string;
}

/** Rejects after `ms`, naming what was awaited; every wait in these tests is bounded. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A raw WebSocket client that keeps every message, so tests can wait for one or check none came. */
export class SocketClient {
  readonly ws: WebSocket;
  readonly messages: StreamMessage[] = [];
  #waiters: Array<() => void> = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data) => {
      this.messages.push(JSON.parse(String(data)) as StreamMessage);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Opens a socket; resolves once open, rejects with the HTTP status when refused. */
  static async open(url: string, options: { protocols?: string[]; headers?: Record<string, string> } = {}): Promise<SocketClient> {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
    const client = new SocketClient(ws);
    await within(2000, `socket ${url} to open`, new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
      ws.once("error", reject);
    }));
    return client;
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The first message (already received or coming) that matches, within `ms`. */
  async next(match: (m: StreamMessage) => boolean, what: string, ms = 1000): Promise<StreamMessage> {
    const find = () => this.messages.find(match);
    return within(ms, what, (async () => {
      for (;;) {
        const found = find();
        if (found) return found;
        await new Promise<void>((resolve) => this.#waiters.push(resolve));
      }
    })());
  }

  close(): void {
    this.ws.close();
  }
}

export const isEvent = (event: string, stream?: string[]) => (m: StreamMessage) =>
  m.event === event && (!stream || JSON.stringify(m.stream) === JSON.stringify(stream));

/** The status (or notification, …) a message carries. */
export function payloadOf<T = { id: string; [key: string]: unknown }>(m: StreamMessage): T {
  return JSON.parse(m.payload ?? "null") as T;
}
