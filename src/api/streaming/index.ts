import type { Server } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { mountEventSource } from "./event-source.ts";
import { StreamHub, type HubOptions } from "./hub.ts";
import { attachWebSocketServer } from "./websocket.ts";

/*
 * Mastodon's streaming API, served by the web process itself on the same port as the REST API
 * (instance.configuration.urls.streaming points here): WebSockets on /api/v1/streaming and
 * EventSource on /api/v1/streaming/<channel>. One hub per running app holds both kinds of
 * connection; it hears domain events in memory, or from every process through Redis.
 */

const hubs = new WeakMap<WeftApp, StreamHub>();

/** The app's hub, made on first use; `options` count only then (tests shorten the heartbeat). */
export function streamingHub(app: WeftApp, options?: HubOptions): StreamHub {
  let hub = hubs.get(app);
  if (!hub) hubs.set(app, (hub = new StreamHub(app, options)));
  return hub;
}

/** EventSource routes and the health check. */
export function mountStreaming(routes: Hono, app: WeftApp): void {
  mountEventSource(routes, streamingHub(app));
}

/** WebSocket upgrades on `server`; returns a function that stops taking them. */
export function attachStreaming(server: Server | HttpsServer, app: WeftApp): () => void {
  return attachWebSocketServer(server, streamingHub(app));
}

/** Ends every open stream (before the HTTP server closes: open streams would hold it open). */
export async function closeStreaming(app: WeftApp): Promise<void> {
  await hubs.get(app)?.close();
}
