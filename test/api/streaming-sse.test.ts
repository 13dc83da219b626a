import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { testDialect } from "../helpers/db.ts";
import { makeUser, type TestUser } from "./posting-support.ts";
import { startStreamingServer, within, type StreamingServer } from "./streaming-support.ts";

/*
 * The EventSource form of the streaming API, read byte by byte with fetch: what Mastodon's
 * streaming server writes is what clients such as Mastodon.py parse.
 */

let server: StreamingServer;
let alice: TestUser;
let bob: TestUser;
const HEARTBEAT_MS = 150;

/** An open event stream whose text accumulates as it arrives. */
class EventStream {
  text = "";
  readonly response: Response;
  readonly #abort: AbortController;
  #wake: (() => void) | null = null;

  constructor(response: Response, abort: AbortController) {
    this.response = response;
    this.#abort = abort;
    void this.#pump();
  }

  async #pump(): Promise<void> {
    const reader = this.response.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.text += decoder.decode(value, { stream: true });
        this.#wake?.();
      }
    } catch {
      // aborted by close()
    }
  }

  /** Waits (bounded) until the text so far satisfies `ready`. */
  async until(ready: (text: string) => boolean, what: string, ms = 1000): Promise<string> {
    return within(ms, what, (async () => {
      while (!ready(this.text)) await new Promise<void>((resolve) => (this.#wake = resolve));
      return this.text;
    })());
  }

  close(): void {
    this.#abort.abort();
  }
}

const streams: EventStream[] = [];

async function open(path: string, token: string | null): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(`${server.url}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: abort.signal,
  });
  const s = new EventStream(res, abort);
  streams.push(s);
  return s;
}

before(async () => {
  server = await startStreamingServer({ worker: true, heartbeatMs: HEARTBEAT_MS });
  alice = await makeUser(server, "alice");
  bob = await makeUser(server, "bob");
});

after(async () => {
  for (const s of streams) s.close();
  await server.close();
});

test(`streams an update as event/data lines (${testDialect()})`, async () => {
  const s = await open("/api/v1/streaming/public/local", bob.token);
  assert.equal(s.response.status, 200);
  assert.equal(s.response.headers.get("content-type"), "text/event-stream");
  assert.equal(s.response.headers.get("cache-control"), "no-store");
  await s.until((t) => t.startsWith(":)\n"), "the opening comment");

  const res = await alice.call("POST", "/api/v1/statuses", { status: "over SSE" });
  const { id } = (await res.json()) as { id: string };
  const text = await s.until((t) => t.includes(`"id":"${id}"`) && t.includes("\n\n"), "the update");
  const m = /event: update\ndata: (.+)\n\n/.exec(text);
  assert.ok(m, `an event/data pair in ${JSON.stringify(text)}`);
  assert.equal(JSON.parse(m[1]).id, id);
});

test("sends :thump heartbeats as a lone comment line, never followed by a blank line", async () => {
  const s = await open("/api/v1/streaming/user", bob.token);
  const text = await s.until((t) => t.split(":thump\n").length > 3, "three heartbeats", HEARTBEAT_MS * 20);
  assert.ok(text.startsWith(":)\n:thump\n"), JSON.stringify(text));
  assert.ok(!text.includes(":thump\n\n"), "no blank line after a heartbeat");
  assert.match(text, /^:\)\n(:thump\n)+$/);
});

test("streams notifications on /user/notification", async () => {
  const s = await open("/api/v1/streaming/user/notification", alice.token);
  const res = await alice.call("POST", "/api/v1/statuses", { status: "fav this" });
  const { id } = (await res.json()) as { id: string };
  assert.equal((await bob.call("POST", `/api/v1/statuses/${id}/favourite`)).status, 200);
  const text = await s.until((t) => t.includes("event: notification\n"), "the notification");
  const data = /event: notification\ndata: (.+)\n\n/.exec(text)!;
  const n = JSON.parse(data[1]) as { type: string; status: { id: string } };
  assert.equal(n.type, "favourite");
  assert.equal(n.status.id, id);
});

test("streams hashtag posts with ?tag=", async () => {
  const s = await open("/api/v1/streaming/hashtag?tag=weft", bob.token);
  await s.until((t) => t.startsWith(":)"), "the opening comment");
  const res = await alice.call("POST", "/api/v1/statuses", { status: "about #Weft" });
  const { id } = (await res.json()) as { id: string };
  await s.until((t) => t.includes(`event: update\ndata: {"id":"${id}"`), "the tagged update");
});

test("refuses a missing or bad token, an unknown channel and a missing tag", async () => {
  const noToken = await fetch(`${server.url}/api/v1/streaming/public`);
  assert.equal(noToken.status, 401);
  assert.deepEqual(await noToken.json(), { error: "Missing access token" });
  const bad = await fetch(`${server.url}/api/v1/streaming/public`, { headers: { authorization: "Bearer nope" } });
  assert.equal(bad.status, 401);
  await bad.body?.cancel();
  const unknown = await fetch(`${server.url}/api/v1/streaming/nonsense`, { headers: { authorization: `Bearer ${bob.token}` } });
  assert.equal(unknown.status, 400);
  assert.deepEqual(await unknown.json(), { error: "Unknown channel requested" });
  const noTag = await fetch(`${server.url}/api/v1/streaming/hashtag`, { headers: { authorization: `Bearer ${bob.token}` } });
  assert.equal(noTag.status, 404);
  await noTag.body?.cancel();
});

test("accepts the token as access_token", async () => {
  const s = await open(`/api/v1/streaming/public?access_token=${bob.token}`, null);
  assert.equal(s.response.status, 200);
  await s.until((t) => t.startsWith(":)\n"), "the opening comment");
});

test("answers the health check", async () => {
  const res = await fetch(`${server.url}/api/v1/streaming/health`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "OK");
});

test("forgets a stream whose reader went away", async () => {
  const before = server.hub.size;
  const s = await open("/api/v1/streaming/public", bob.token);
  await s.until((t) => t.startsWith(":)"), "the opening comment");
  assert.equal(server.hub.size, before + 1);
  s.close();
  await within(1000, "the hub to drop the stream", (async () => {
    while (server.hub.size !== before) await new Promise((r) => setTimeout(r, 20));
  })());
});
