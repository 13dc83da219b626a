import { getToken } from "./api.ts";

/*
 * One WebSocket to /api/v1/streaming for the whole app, multiplexed with subscribe frames as
 * Mastodon's own web app does. The token goes in Sec-WebSocket-Protocol (browsers cannot set
 * headers on a WebSocket). Reconnects with backoff and tells views, so they can catch up on
 * what they missed through the REST API.
 */

export interface StreamEvent {
  event: string;
  stream: string[];
  payload: unknown;
}

type Handler = (e: StreamEvent) => void;

const handlers = new Map<string, Set<Handler>>();
const reconnectListeners = new Set<() => void>();
let socket: WebSocket | null = null;
let retry = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let stopped = true;

interface Subscription {
  stream: string;
  tag?: string;
  list?: string;
}

const subscriptions = new Map<string, Subscription>();

function keyOf(sub: Subscription): string {
  return [sub.stream, sub.tag?.toLowerCase() ?? sub.list].filter(Boolean).join("|");
}

function frame(type: "subscribe" | "unsubscribe", sub: Subscription): string {
  return JSON.stringify({ type, ...sub });
}

function open(): void {
  const token = getToken();
  if (!token || stopped) return;
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${proto}//${location.host}/api/v1/streaming`, token);
  socket = ws;
  let opened = false;
  ws.onopen = () => {
    opened = true;
    const wasRetry = retry > 0;
    retry = 0;
    for (const sub of subscriptions.values()) ws.send(frame("subscribe", sub));
    if (wasRetry) for (const l of reconnectListeners) l();
  };
  ws.onmessage = (msg) => {
    let data: { event?: string; stream?: string[]; payload?: string };
    try {
      data = JSON.parse(String(msg.data));
    } catch {
      return;
    }
    if (!data.event) return;
    let payload: unknown = data.payload;
    if (typeof payload === "string" && (payload.startsWith("{") || payload.startsWith("["))) {
      try {
        payload = JSON.parse(payload);
      } catch {
        // a plain string payload (a deleted post's id)
      }
    }
    const event: StreamEvent = { event: data.event, stream: data.stream ?? [], payload };
    const [name, arg] = event.stream.length ? event.stream : ["user"];
    // user:notification arrives on the user subscription.
    const stream = name.startsWith("user") ? "user" : name;
    const key = keyOf({ stream, tag: stream.startsWith("hashtag") ? arg : undefined, list: stream === "list" ? arg : undefined });
    for (const h of handlers.get(key) ?? []) h(event);
  };
  ws.onclose = () => {
    if (socket === ws) socket = null;
    if (stopped) return;
    retry = Math.min(retry + 1, 6);
    // A socket refused at once (bad token) waits longer before trying again.
    const delay = Math.min(30_000, 1000 * 2 ** (retry - 1)) * (opened ? 1 : 1.5);
    timer = setTimeout(open, delay);
  };
}

export function startStreaming(): void {
  if (!stopped) return;
  stopped = false;
  open();
}

export function stopStreaming(): void {
  stopped = true;
  clearTimeout(timer);
  socket?.close();
  socket = null;
}

/** Listens to a stream (`user`, `public:local`, `public`, `hashtag` with {tag}); returns an unsubscribe function. */
export function subscribe(stream: string, handler: Handler, params: { tag?: string; list?: string } = {}): () => void {
  const sub: Subscription = { stream, ...params };
  const key = keyOf(sub);
  let set = handlers.get(key);
  if (!set) {
    handlers.set(key, (set = new Set()));
    subscriptions.set(key, sub);
    if (socket?.readyState === WebSocket.OPEN) socket.send(frame("subscribe", sub));
  }
  set.add(handler);
  return () => {
    set.delete(handler);
    if (set.size === 0) {
      handlers.delete(key);
      subscriptions.delete(key);
      if (socket?.readyState === WebSocket.OPEN) socket.send(frame("unsubscribe", sub));
    }
  };
}

/** Called after a dropped connection comes back, so views can fetch what they missed. */
export function onReconnect(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => void reconnectListeners.delete(listener);
}
