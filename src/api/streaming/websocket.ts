import { STATUS_CODES, type IncomingMessage, type Server } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { authenticateStream, streamingToken } from "./auth.ts";
import { resolveChannel, type Viewer } from "./channels.ts";
import type { Sink, StreamHub } from "./hub.ts";

/** A reader this far behind is not reading: it is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Subscribe frames are tiny; anything large is not one. */
const MAX_FRAME_BYTES = 64 * 1024;

function isStreamingPath(pathname: string): boolean {
  return pathname === "/api/v1/streaming" || pathname.startsWith("/api/v1/streaming/");
}

/** Answers an upgrade request with a plain HTTP error, as Mastodon's streaming server does. */
function refuse(socket: Duplex, status: number, error: string): void {
  const body = JSON.stringify({ error });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}`,
    "Connection: close",
    "Content-Type: application/json; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Error-Message: ${error}`,
  ];
  socket.once("finish", () => socket.destroy());
  socket.end(`${head.join("\r\n")}\r\n\r\n${body}`);
}

/**
 * Serves `/api/v1/streaming` WebSockets on `server`: authenticates before the handshake (a bad
 * token gets a 401, not a socket), echoes the client's subprotocol (masto.js sends the token
 * there and drops a connection that does not answer with it), then subscribes as the `stream`
 * query parameter and later `subscribe`/`unsubscribe` frames ask. Returns a detach function.
 */
export function attachWebSocketServer(server: Server | HttpsServer, hub: StreamHub): () => void {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols: (protocols) => protocols.values().next().value ?? false,
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://streaming.invalid");
    if (!isStreamingPath(url.pathname)) {
      // Someone else may serve this path; if nobody does, say so instead of hanging up.
      if (server.listenerCount("upgrade") === 1) refuse(socket, 404, "Not found");
      return;
    }
    socket.on("error", () => socket.destroy());
    void (async () => {
      try {
        const token = streamingToken(
          { authorization: req.headers.authorization, protocol: req.headers["sec-websocket-protocol"] },
          url,
        );
        const auth = await authenticateStream(hub.app, token);
        if (!auth.ok) return refuse(socket, auth.status, auth.error);
        await hub.start();
        if (hub.closed) return refuse(socket, 503, "Server is shutting down");
        wss.handleUpgrade(req, socket, head, (ws) => openSession(hub, ws, auth.viewer, url));
      } catch (err) {
        hub.app.log.warn({ err }, "streaming: upgrade failed");
        refuse(socket, 500, "An unexpected error occurred");
      }
    })();
  };

  server.on("upgrade", onUpgrade);
  return () => {
    server.off("upgrade", onUpgrade);
    wss.close();
  };
}

function text(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.from(data).toString("utf8");
}

function openSession(hub: StreamHub, ws: WebSocket, viewer: Viewer, url: URL): void {
  let alive = true;
  let beats = 0;
  const sink: Sink = {
    viewer,
    send(stream, event, payload) {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify({ stream, event, payload }));
    },
    heartbeat() {
      // Pinged every other beat (30 s by default); no pong since the last ping means gone.
      if (++beats % 2 !== 0) return;
      if (!alive) {
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
    },
    end() {
      ws.close(1000);
      setTimeout(() => ws.terminate(), 1000).unref();
    },
  };
  hub.add(sink);
  ws.on("pong", () => {
    alive = true;
  });
  ws.on("close", () => hub.remove(sink));
  ws.on("error", (err) => hub.app.log.debug({ err }, "streaming: websocket error"));

  const error = (message: string) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ error: message }));
  };
  const handle = async (type: unknown, stream: unknown, params: Record<string, unknown>) => {
    if (type !== "subscribe" && type !== "unsubscribe") return;
    const result = await resolveChannel(hub.app.ctx, viewer, stream, params);
    if (!result.ok) return error(type === "subscribe" ? result.error : "Error unsubscribing from channel");
    if (type === "subscribe") hub.subscribe(sink, result.channel);
    else hub.unsubscribe(sink, result.channel.key);
  };
  // Frames are handled one after another, so "subscribe, unsubscribe" ends unsubscribed.
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (type: unknown, stream: unknown, params: Record<string, unknown>) => {
    chain = chain
      .then(() => handle(type, stream, params))
      .catch((err) => {
        hub.app.log.warn({ err }, "streaming: could not handle a frame");
        error("An unexpected error occurred");
      });
  };

  ws.on("message", (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      ws.close(1003, "Binary messages are not supported");
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(text(data));
    } catch {
      return;
    }
    if (!frame || typeof frame !== "object" || Array.isArray(frame)) return;
    const { type, stream, ...params } = frame as Record<string, unknown>;
    enqueue(type, stream, params);
  });

  const initial = url.searchParams.get("stream");
  if (initial) enqueue("subscribe", initial, Object.fromEntries(url.searchParams));
}
