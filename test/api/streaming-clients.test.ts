import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createStreamingAPIClient, type mastodon } from "masto";
import generator, { type Entity, type WebSocketInterface } from "megalodon";
import { testDialect } from "../helpers/db.ts";
import { makeUser, type TestUser } from "./posting-support.ts";
import { startStreamingServer, within, type StreamingServer } from "./streaming-support.ts";

/*
 * Real client libraries against Weft's streaming API: masto.js (one socket, token as the
 * WebSocket subprotocol, subscribe frames) and megalodon (one socket per stream, `?stream=` and
 * `?access_token=`, streaming URL read from /api/v1/instance).
 */

let server: StreamingServer;
let alice: TestUser;
let bob: TestUser;

before(async () => {
  server = await startStreamingServer({ worker: true });
  alice = await makeUser(server, "alice");
  bob = await makeUser(server, "bob");
  assert.equal((await bob.call("POST", `/api/v1/accounts/${alice.account.id}/follow`)).status, 200);
});

after(() => server.close());

async function post(user: TestUser, status: string): Promise<string> {
  const res = await user.call("POST", "/api/v1/statuses", { status });
  assert.equal(res.status, 200);
  return ((await res.json()) as { id: string }).id;
}

/**
 * The first update of status `id()` an iterator yields. Unbounded: callers bound the wait from
 * the moment they post, after starting to read (which is what sends masto.js's subscribe frame).
 */
async function updateOf(events: AsyncIterator<mastodon.streaming.Event>, id: () => string | null): Promise<mastodon.streaming.Event> {
  for (;;) {
    const { value, done } = await events.next();
    if (done) throw new Error("subscription ended");
    if (value.event === "update" && value.payload.id === id()) return value;
  }
}

/** masto.js sends no acknowledgement of a subscribe frame: wait until the server has it. */
async function subscribedTo(...names: Parameters<StreamingServer["hub"]["count"]>): Promise<void> {
  await within(2000, `subscriptions to ${names.join(", ")}`, (async () => {
    while (names.some((n) => server.hub.count(n) === 0)) await new Promise((r) => setTimeout(r, 10));
  })());
}

test(`masto.js receives updates on the user and public streams within a second (${testDialect()})`, async () => {
  const client = createStreamingAPIClient({ streamingApiUrl: server.wsUrl, accessToken: bob.token, retry: false });
  try {
    let id: string | null = null;
    const user = client.user.subscribe().values();
    const pub = client.public.subscribe().values();
    const updates = Promise.all([updateOf(user, () => id), updateOf(pub, () => id)]);
    await subscribedTo("user", "public");
    id = await post(alice, "hello masto");
    const [fromUser, fromPublic] = await within(1000, "masto.js updates on user and public", updates);
    assert.deepEqual(fromUser.stream, ["user"]);
    assert.deepEqual(fromPublic.stream, ["public"]);
    assert.equal((fromUser.payload as mastodon.v1.Status).content, "<p>hello masto</p>");
    await user.return?.();
    await pub.return?.();
  } finally {
    client.close();
  }
});

test("masto.js hashtag subscriptions match the stream names Weft sends", async () => {
  const client = createStreamingAPIClient({ streamingApiUrl: server.wsUrl, accessToken: bob.token, retry: false });
  try {
    let id: string | null = null;
    const tag = client.hashtag.subscribe({ tag: "Masto" }).values();
    const update = updateOf(tag, () => id);
    await subscribedTo("hashtag");
    id = await post(alice, "tagged #masto");
    assert.deepEqual((await within(1000, "the hashtag update", update)).stream, ["hashtag", "Masto"]);
    await tag.return?.();
  } finally {
    client.close();
  }
});

/** Resolves with the first status megalodon emits as an update matching `id`. */
function megalodonUpdate(stream: WebSocketInterface, id: () => string | null, what: string): Promise<Entity.Status> {
  return within(3000, what, new Promise((resolve) => {
    stream.on("update", (status: Entity.Status) => {
      if (status.id === id()) resolve(status);
    });
  }));
}

function connected(stream: WebSocketInterface): Promise<void> {
  return within(2000, "megalodon to connect", new Promise((resolve) => stream.once("connect", () => resolve())));
}

test("megalodon receives updates on its user, public and local streams within a second", async () => {
  const client = generator("mastodon", server.url, bob.token);
  // Listen for "connect" as soon as each stream exists: it may open before the others do.
  const opening = await Promise.all(
    [client.userStreaming(), client.publicStreaming(), client.localStreaming()].map((p) => p.then((s) => ({ s, open: connected(s) }))),
  );
  const streams = opening.map((o) => o.s);
  try {
    await Promise.all(opening.map((o) => o.open));
    let id: string | null = null;
    const updates = streams.map((s, i) => megalodonUpdate(s, () => id, `megalodon stream ${i}`));
    const posted = Date.now();
    id = await post(alice, "hello megalodon");
    const statuses = await Promise.all(updates);
    assert.ok(Date.now() - posted < 1000, "all three within a second of the post");
    for (const status of statuses) assert.equal(status.content, "<p>hello megalodon</p>");
  } finally {
    for (const s of streams) s.stop();
  }
});

test("megalodon hears deletions and notifications", async () => {
  const client = generator("mastodon", server.url, alice.token);
  const stream = await client.userStreaming().then((s) => ({ s, open: connected(s) })).then(async ({ s, open }) => {
    await open;
    return s;
  });
  try {
    const notified = within(1000, "megalodon notification", new Promise<Entity.Notification>((resolve) => stream.once("notification", resolve)));
    const id = await post(alice, "soon gone");
    assert.equal((await bob.call("POST", `/api/v1/statuses/${id}/favourite`)).status, 200);
    const n = await notified;
    assert.equal(n.type, "favourite");
    const gone = within(1000, "megalodon delete", new Promise<string>((resolve) => stream.once("delete", resolve)));
    assert.equal((await alice.call("DELETE", `/api/v1/statuses/${id}`)).status, 200);
    assert.equal(await gone, id);
  } finally {
    stream.stop();
  }
});
