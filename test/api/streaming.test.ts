import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { streamingUrl } from "../../src/api/entities/instance.ts";
import { testDialect } from "../helpers/db.ts";
import { revokeToken } from "../../src/domain/tokens.ts";
import { makeUser, tokenFor, type TestUser } from "./posting-support.ts";
import { isEvent, payloadOf, SocketClient, startStreamingServer, within, type StreamingServer } from "./streaming-support.ts";

/*
 * The WebSocket streaming API seen from a raw client: the handshake, subscriptions, and which
 * events reach whom. Messages are what Mastodon's streaming server sends:
 * {"stream": [...], "event": "...", "payload": "<JSON string, or a bare id for delete>"}.
 */

let server: StreamingServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
const sockets: SocketClient[] = [];

async function socket(user: TestUser | string, query = ""): Promise<SocketClient> {
  const token = typeof user === "string" ? user : user.token;
  const s = await SocketClient.open(`${server.wsUrl}/api/v1/streaming${query}`, { protocols: [token] });
  sockets.push(s);
  return s;
}

async function post(user: TestUser, status: string, extra: Record<string, unknown> = {}): Promise<{ id: string }> {
  const res = await user.call("POST", "/api/v1/statuses", { status, ...extra });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { id: string };
}

before(async () => {
  server = await startStreamingServer({ worker: true, tokenCheckMs: 200 });
  alice = await makeUser(server, "alice");
  bob = await makeUser(server, "bob");
  carol = await makeUser(server, "carol");
  const follow = await bob.call("POST", `/api/v1/accounts/${alice.account.id}/follow`);
  assert.equal(follow.status, 200);
});

after(async () => {
  for (const s of sockets) s.close();
  await server.close();
});

test(`echoes the token subprotocol and streams the user's own post to their user stream (${testDialect()})`, async () => {
  const s = await socket(alice, "?stream=user");
  assert.equal(s.ws.protocol, alice.token, "the 101 answer names the token subprotocol masto.js offered");
  const { id } = await post(alice, "hello stream");
  const m = await s.next(isEvent("update", ["user"]), "alice's update");
  assert.equal(typeof m.payload, "string", "the payload is a JSON string, not an object");
  const status = payloadOf(m);
  assert.equal(status.id, id);
  assert.equal(status.content, "<p>hello stream</p>");
  assert.equal(status.favourited, false, "rendered for the signed-in viewer, as the REST API does");
  const rest = (await (await alice.call("GET", `/api/v1/statuses/${id}`)).json()) as Record<string, unknown>;
  assert.deepEqual(status, rest, "the same entity the REST API returns to her");
});

test("refuses a missing or bad token with 401 before the handshake", async () => {
  await assert.rejects(SocketClient.open(`${server.wsUrl}/api/v1/streaming?stream=public`), { status: 401 });
  await assert.rejects(SocketClient.open(`${server.wsUrl}/api/v1/streaming?stream=public&access_token=nope`), { status: 401 });
  await assert.rejects(SocketClient.open(`${server.wsUrl}/api/v1/streaming`, { protocols: ["not-a-token"] }), { status: 401 });
  await assert.rejects(
    SocketClient.open(`${server.wsUrl}/api/v1/streaming`, { headers: { authorization: "Bearer nope" } }),
    { status: 401 },
  );
});

test("accepts the token as access_token or Authorization header too", async () => {
  const s1 = await SocketClient.open(`${server.wsUrl}/api/v1/streaming?stream=public:local&access_token=${bob.token}`);
  const s2 = await SocketClient.open(`${server.wsUrl}/api/v1/streaming?stream=public:local`, { headers: { authorization: `Bearer ${bob.token}` } });
  sockets.push(s1, s2);
  const { id } = await post(carol, "hello local");
  assert.equal(payloadOf(await s1.next(isEvent("update", ["public:local"]), "update by query token")).id, id);
  assert.equal(payloadOf(await s2.next(isEvent("update", ["public:local"]), "update by header token")).id, id);
});

test("subscribes and unsubscribes with frames over one socket", async () => {
  const s = await socket(bob);
  s.send({ type: "subscribe", stream: "hashtag", tag: "Cats" });
  s.send({ type: "subscribe", stream: "public:local" });
  const first = await post(carol, "look #cats");
  const tagged = await s.next(isEvent("update", ["hashtag", "Cats"]), "hashtag update");
  assert.equal(payloadOf(tagged).id, first.id);
  await s.next((m) => m.event === "update" && m.stream?.[0] === "public:local" && payloadOf(m).id === first.id, "local update");

  s.send({ type: "unsubscribe", stream: "hashtag", tag: "Cats" });
  const second = await post(carol, "more #cats");
  // The public:local copy is sent in the same turn as a hashtag copy would be: once it is here,
  // a hashtag copy would be too.
  await s.next((m) => m.stream?.[0] === "public:local" && payloadOf(m).id === second.id, "local update after unsubscribe");
  assert.equal(s.messages.filter((m) => m.stream?.[0] === "hashtag" && payloadOf(m).id === second.id).length, 0);
});

test("answers an unknown stream or a missing tag with an error frame", async () => {
  const s = await socket(bob);
  s.send({ type: "subscribe", stream: "nonsense" });
  assert.equal((await s.next((m) => !!m.error, "error frame")).error, "Unknown stream type");
  s.send({ type: "subscribe", stream: "hashtag" });
  await s.next((m) => m.error === "No tag for stream provided", "missing tag error");
  s.send({ type: "subscribe", stream: "list", list: "123" });
  await s.next((m) => m.error === "Not authorized to stream this list", "foreign list error");
});

test("a token without read scopes may stream public timelines but not the user stream", async () => {
  const token = await tokenFor(server, carol.account.id, "write");
  const s = await socket(token);
  s.send({ type: "subscribe", stream: "user" });
  await s.next((m) => m.error === "Access token does not cover required scopes", "scope error");
  s.send({ type: "subscribe", stream: "public" });
  const { id } = await post(alice, "public for everyone");
  assert.equal(payloadOf(await s.next(isEvent("update", ["public"]), "public update")).id, id);
});

test("sends a notification event after a favourite", async () => {
  const s = await socket(alice, "?stream=user:notification");
  const { id } = await post(alice, "like me");
  const fav = await bob.call("POST", `/api/v1/statuses/${id}/favourite`);
  assert.equal(fav.status, 200);
  const m = await s.next(isEvent("notification", ["user:notification"]), "favourite notification");
  const n = payloadOf<{ type: string; account: { id: string }; status: { id: string } }>(m);
  assert.equal(n.type, "favourite");
  assert.equal(n.account.id, bob.account.id);
  assert.equal(n.status.id, id);
});

test("the user stream carries notifications only for tokens that may read them", async () => {
  const narrow = await tokenFor(server, alice.account.id, "read:statuses");
  const s = await socket(narrow, "?stream=user");
  const full = await socket(alice, "?stream=user");
  const { id } = await post(alice, "boost me");
  assert.equal((await bob.call("POST", `/api/v1/statuses/${id}/reblog`)).status, 200);
  await full.next(isEvent("notification", ["user"]), "reblog notification on a read token");
  await s.next((m) => m.event === "update" && payloadOf(m).id === id, "the post itself");
  assert.equal(s.messages.filter((m) => m.event === "notification").length, 0);
});

test("sends delete with the bare id after deletion", async () => {
  const s = await socket(bob, "?stream=public:local");
  const user = await socket(bob, "?stream=user");
  const { id } = await post(alice, "short-lived");
  await s.next((m) => m.event === "update" && payloadOf(m).id === id, "update before delete");
  await user.next((m) => m.event === "update" && payloadOf(m).id === id, "fan-out to bob's home");
  assert.equal((await alice.call("DELETE", `/api/v1/statuses/${id}`)).status, 200);
  const m = await s.next(isEvent("delete", ["public:local"]), "delete on the public stream");
  assert.equal(m.payload, id, "the payload is the id itself");
  await user.next((x) => x.event === "delete" && x.payload === id, "delete on bob's user stream");
});

test("deleting a post takes its boosts off the streams of the boosters' followers", async () => {
  const gina = await makeUser(server, "gina");
  assert.equal((await gina.call("POST", `/api/v1/accounts/${carol.account.id}/follow`)).status, 200);
  const s = await socket(gina, "?stream=user");
  const { id } = await post(alice, "boost-worthy");
  const boost = (await (await carol.call("POST", `/api/v1/statuses/${id}/reblog`)).json()) as { id: string };
  await s.next((m) => m.event === "update" && payloadOf(m).id === boost.id, "carol's boost in gina's home");
  assert.equal((await alice.call("DELETE", `/api/v1/statuses/${id}`)).status, 200);
  await s.next((m) => m.event === "delete" && m.payload === boost.id, "delete of the boost on gina's user stream");
});

test("a followers-only post reaches a follower but never a stranger's socket or the public stream", async () => {
  const follower = await socket(bob, "?stream=user");
  const stranger = await socket(carol, "?stream=user");
  const carolPublic = await socket(carol, "?stream=public");
  const bobPublic = await socket(bob, "?stream=public");
  const secret = await post(alice, "for followers only", { visibility: "private" });
  const m = await follower.next((x) => x.event === "update" && payloadOf(x).id === secret.id, "follower's update");
  assert.equal(payloadOf(m).visibility, "private");
  // Then something everyone may see: by the time it arrives, the private post would have too.
  const open = await post(alice, "for everyone");
  await carolPublic.next((x) => payloadOf(x).id === open.id, "public post on the stranger's public stream");
  await bobPublic.next((x) => payloadOf(x).id === open.id, "public post on the follower's public stream");
  for (const s of [stranger, carolPublic, bobPublic]) {
    assert.equal(s.messages.filter((x) => x.payload?.includes(secret.id)).length, 0);
  }
});

test("public streams leave out authors the viewer blocks or mutes", async () => {
  const dave = await makeUser(server, "dave");
  const erin = await makeUser(server, "erin");
  assert.equal((await dave.call("POST", `/api/v1/accounts/${erin.account.id}/block`)).status, 200);
  const s = await socket(dave, "?stream=public");
  const hidden = await post(erin, "you blocked me");
  const shown = await post(carol, "you did not");
  await s.next((m) => payloadOf(m).id === shown.id, "carol's post");
  assert.equal(s.messages.filter((m) => payloadOf(m).id === hidden.id).length, 0);
});

test("sends status.update after an edit", async () => {
  const s = await socket(carol, "?stream=public:local");
  const { id } = await post(alice, "first version");
  await s.next((m) => m.event === "update" && payloadOf(m).id === id, "the post");
  assert.equal((await alice.call("PUT", `/api/v1/statuses/${id}`, { status: "second version" })).status, 200);
  const m = await s.next(isEvent("status.update", ["public:local"]), "status.update");
  assert.equal(payloadOf(m).content, "<p>second version</p>");
  assert.ok(payloadOf(m).edited_at);
});

test("a direct message arrives as a conversation on each participant's direct stream", async () => {
  const s = await socket(bob, "?stream=direct");
  const mine = await socket(alice, "?stream=direct");
  const dm = await post(alice, "@bob psst", { visibility: "direct" });
  const m = await s.next(isEvent("conversation", ["direct"]), "bob's conversation");
  const c = payloadOf<{ id: string; unread: boolean; accounts: Array<{ id: string }>; last_status: { id: string } }>(m);
  assert.equal(c.last_status.id, dm.id);
  assert.equal(c.unread, true);
  assert.deepEqual(c.accounts.map((a) => a.id), [alice.account.id]);
  const own = payloadOf<{ unread: boolean; accounts: Array<{ id: string }> }>(await mine.next(isEvent("conversation"), "alice's conversation"));
  assert.equal(own.unread, false);
  assert.deepEqual(own.accounts.map((a) => a.id), [bob.account.id]);
});

test("the instance entities point clients at this streaming API, wss:// behind https", async () => {
  const v2 = (await (await fetch(`${server.url}/api/v2/instance`)).json()) as { configuration: { urls: { streaming: string } } };
  assert.equal(v2.configuration.urls.streaming, server.wsUrl);
  const v1 = (await (await fetch(`${server.url}/api/v1/instance`)).json()) as { urls: { streaming_api: string } };
  assert.equal(v1.urls.streaming_api, server.wsUrl);
  assert.equal(streamingUrl({ url: new URL("https://weft.example") }), "wss://weft.example");
});

test("tells the user stream when the account's filters change, with no payload", async () => {
  const s = await socket(carol, "?stream=user");
  const res = await carol.call("POST", "/api/v2/filters", { title: "no spoilers", context: ["home"], keywords_attributes: [{ keyword: "finale" }] });
  assert.equal(res.status, 200, await res.clone().text());
  const m = await s.next(isEvent("filters_changed", ["user"]), "filters_changed");
  assert.equal("payload" in m, false);
});

test("streams a list's members' posts to its owner, and refuses the list to anyone else", async () => {
  const created = await bob.call("POST", "/api/v1/lists", { title: "Alice and co" });
  assert.equal(created.status, 200, await created.clone().text());
  const list = (await created.json()) as { id: string };
  const added = await bob.call("POST", `/api/v1/lists/${list.id}/accounts`, { account_ids: [alice.account.id] });
  assert.equal(added.status, 200, await added.clone().text());

  const s = await socket(bob);
  s.send({ type: "subscribe", stream: "list", list: list.id });
  const other = await socket(carol);
  other.send({ type: "subscribe", stream: "list", list: list.id });
  await other.next((m) => m.error === "Not authorized to stream this list", "carol refused");

  // Bob's subscribe frame was handled before carol's refusal came back.
  const notMember = await post(carol, "not on the list");
  const { id } = await post(alice, "for my list readers", { visibility: "private" });
  const m = await s.next(isEvent("update", ["list", list.id]), "the list update");
  assert.equal(payloadOf(m).id, id);
  assert.equal(s.messages.filter((x) => x.payload?.includes(notMember.id)).length, 0, "a non-member's post stays out");
  assert.equal((await alice.call("DELETE", `/api/v1/statuses/${id}`)).status, 200);
  await s.next((x) => x.event === "delete" && x.payload === id && x.stream?.[0] === "list", "the list delete");
});

test("closes a socket once its token is revoked", async () => {
  const token = await tokenFor(server, carol.account.id, "read");
  const s = await socket(token, "?stream=public");
  const closed = new Promise<void>((resolve) => s.ws.once("close", () => resolve()));
  await revokeToken(server.ctx, token);
  await within(2000, "the socket to close", closed);
});

test("applies the viewer's keyword filters: warn marks the status filtered, hide keeps it off the stream", async () => {
  const frank = await makeUser(server, "frank");
  const s = await socket(frank, "?stream=public");
  for (const [title, keyword, action] of [["spoilers", "finale", "warn"], ["no ads", "discount", "hide"]]) {
    const res = await frank.call("POST", "/api/v2/filters", {
      title, context: ["public"], filter_action: action, keywords_attributes: [{ keyword }],
    });
    assert.equal(res.status, 200, await res.clone().text());
  }
  const warned = await post(carol, "what a finale");
  const hidden = await post(carol, "big discount today");
  const plain = await post(carol, "nothing to see");
  const m = await s.next((x) => x.event === "update" && payloadOf(x).id === warned.id, "the warned status");
  const filtered = payloadOf<{ filtered: Array<{ filter: { title: string; filter_action: string }; keyword_matches: string[] }> }>(m).filtered;
  assert.equal(filtered.length, 1);
  assert.equal(filtered[0].filter.title, "spoilers");
  assert.deepEqual(filtered[0].keyword_matches, ["finale"]);
  await s.next((x) => x.event === "update" && payloadOf(x).id === plain.id, "the plain status");
  assert.equal(s.messages.filter((x) => x.payload?.includes(hidden.id)).length, 0);
  // Someone without filters sees the same post unmarked.
  const rest = (await (await carol.call("GET", `/api/v1/statuses/${warned.id}`)).json()) as { filtered: unknown[] };
  assert.deepEqual(rest.filtered, []);
});
