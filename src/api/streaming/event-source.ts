import type { Context, Hono } from "hono";
import { authenticateStream, streamAuth, streamingToken } from "./auth.ts";
import { channelFromPath, resolveChannel } from "./channels.ts";
import type { Sink, StreamHub } from "./hub.ts";

/** Chunks a reader may fall behind before it is dropped (each event is one chunk). */
const MAX_QUEUED_CHUNKS = 1000;

const encoder = new TextEncoder();

/**
 * The Server-Sent Events form of the streaming API, byte for byte what Mastodon's streaming
 * server writes: `:)` once, `:thump` as the heartbeat (a comment line and nothing after it:
 * Mastodon.py fails on a heartbeat followed by a blank line), and `event:`/`data:` pairs each
 * ended by a blank line.
 */
export function mountEventSource(routes: Hono, hub: StreamHub): void {
  routes.get("/api/v1/streaming/health", (c) => c.text("OK"));
  routes.get("/api/v1/streaming", (c) => open(c, hub));
  routes.get("/api/v1/streaming/*", (c) => open(c, hub));
}

async function open(c: Context, hub: StreamHub): Promise<Response> {
  const url = new URL(c.req.url);
  const state = c.get("weftAuth");
  const auth = state
    ? streamAuth(state)
    : await authenticateStream(hub.app, streamingToken({ authorization: c.req.header("authorization") }, url));
  // Credentials first, as Mastodon's streaming server does: a stranger learns nothing, not even which channels exist.
  if (!auth.ok) return c.json({ error: auth.error }, auth.status);
  const name = channelFromPath(url.pathname, url.searchParams.get("only_media") ?? undefined);
  if (!name) return c.json({ error: "Unknown channel requested" }, 400);
  const result = await resolveChannel(hub.app.ctx, auth.viewer, name, Object.fromEntries(url.searchParams));
  if (!result.ok) return result.status === 401 ? c.json({ error: result.error }, 401) : c.json({ error: "Not found" }, 404);
  await hub.start();
  if (hub.closed) return c.json({ error: "Server is shutting down" }, 503);

  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  const write = (text: string) => {
    if (!controller) return;
    if ((controller.desiredSize ?? 0) < -MAX_QUEUED_CHUNKS) return sink.end();
    controller.enqueue(encoder.encode(text));
  };
  const sink: Sink = {
    viewer: auth.viewer,
    send(_stream, event, payload) {
      // A payload-less event reads "data: undefined", as Mastodon's streaming server writes it.
      write(`event: ${event}\ndata: ${payload ?? "undefined"}\n\n`);
    },
    heartbeat() {
      write(":thump\n");
    },
    end() {
      hub.remove(sink);
      const c = controller;
      controller = null;
      try {
        c?.close();
      } catch {
        // already closed by the reader going away
      }
    },
  };
  const body = new ReadableStream<Uint8Array>({
    start(ctrl) {
      controller = ctrl;
      ctrl.enqueue(encoder.encode(":)\n"));
      hub.add(sink);
      hub.subscribe(sink, result.channel);
    },
    cancel() {
      controller = null;
      hub.remove(sink);
    },
  });
  c.req.raw.signal.addEventListener("abort", () => {
    controller = null;
    hub.remove(sink);
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-store",
      "X-Accel-Buffering": "no",
    },
  });
}
