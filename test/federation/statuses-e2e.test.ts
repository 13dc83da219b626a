import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { Create, Delete, Note, Tombstone, Update } from "@fedify/vocab";
import { createLocalStatus, deleteStatus, getStatusByUri, type Status } from "../../src/domain/statuses.ts";
import { startPeer, type TestPeer } from "../helpers/peer.ts";
import { waitFor } from "../jobs/wait.ts";
import { startStatusesNet, TIMEOUT, type StatusesNet } from "./statuses-net.ts";

/*
 * Statuses both ways over real HTTPS: a Weft started from src (its HTTP app, queues and workers,
 * on its own loopback address with a test-CA certificate) and the independent test peer, which
 * verifies every signature it gets and signs everything it sends, as Mastodon does.
 */

let net: StatusesNet;
let peer: TestPeer;

const ctx = () => net.ctx;
const handle = () => net.handle;
const api = (p: string) => net.api(p);
const stored = (uri: string) => net.stored(uri);
const inboxDrained = () => net.inboxDrained();

before(async () => {
  net = await startStatusesNet();
  peer = await startPeer({ username: "bob", others: ["carol"] });
});

after(async () => {
  await peer?.stop();
  await net?.stop();
});

async function counts(id: string): Promise<{ favourites: number; reblogs: number; replies: number }> {
  const s = await ctx().db.selectFrom("statuses").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  return { favourites: s.favourites_count, reblogs: s.reblogs_count, replies: s.replies_count };
}

describe("statuses between Weft and a Mastodon-like peer", { timeout: 180_000 }, () => {
  let post: Status;
  let reply: { id: string };

  it("a follower on the peer receives alice's post, signed, once via its shared inbox", async () => {
    await peer.follow(handle());
    await waitFor("the follow to be accepted", () => peer.followState(net.alice.uri) === "accepted", TIMEOUT);
    post = await createLocalStatus(ctx(), { accountId: net.alice.id, text: "Hello fediverse #weft", language: "en" });
    const got = await peer.waitFor((a) => a.type === "Create" && a.object === post.uri, TIMEOUT);
    assert.equal(got.actor, net.alice.uri);
    assert.match(got.json.object.content, /Hello fediverse/);
    assert.equal(got.json.object.contentMap.en, got.json.object.content);
    assert.equal(got.json.object.to, "https://www.w3.org/ns/activitystreams#Public");
    assert.equal(got.json.object.cc, net.alice.followers_url);
    const createRequests = () => peer.inboxRequests.filter((r) => r.body.includes(post.uri) && r.body.includes('"Create"'));
    // The peer logs the request once it has answered it, just after the listener ran.
    await waitFor("the request log", () => createRequests().length > 0, TIMEOUT);
    const requests = createRequests();
    assert.equal(requests.length, 1, "one request for the whole server");
    assert.equal(requests[0].path, "/inbox");
    assert.equal(requests[0].status, 202);
    assert.ok(requests[0].headers.signature || requests[0].headers["signature-input"], "signed");
  });

  it("the peer's reply shows in alice's thread and notifies her", async () => {
    reply = await peer.createNote({ content: "<p>Hi alice!</p>", inReplyTo: post.uri, mentions: [handle()] });
    const status = await stored(reply.id);
    assert.equal(status.in_reply_to_id, post.id);
    const context = await api(`/api/v1/statuses/${post.id}/context`);
    assert.deepEqual(context.descendants.map((s: any) => s.uri), [reply.id]);
    assert.match(context.descendants[0].content, /Hi alice!/);
    const notifications = await api("/api/v1/notifications");
    assert.ok(notifications.some((n: any) => n.type === "mention" && n.status?.uri === reply.id), "a mention notification");
    assert.equal((await counts(post.id)).replies, 1);
  });

  it("likes and boosts from the peer, and their undoing, change the counts", async () => {
    const like = await peer.like(post.uri);
    await waitFor("the like", async () => (await counts(post.id)).favourites === 1, TIMEOUT);
    // A redelivery of the same Like is one like.
    await peer.send(like, [handle()]);
    await inboxDrained();
    assert.equal((await counts(post.id)).favourites, 1);
    await peer.undo(like);
    await waitFor("the like undone", async () => (await counts(post.id)).favourites === 0, TIMEOUT);
    const boost = await peer.announce(post.uri);
    await waitFor("the boost", async () => (await counts(post.id)).reblogs === 1, TIMEOUT);
    await peer.undo(boost);
    await waitFor("the boost undone", async () => (await counts(post.id)).reblogs === 0, TIMEOUT);
  });

  it("alice's like and boost of the peer's reply reach the peer, and so do their undoing", async () => {
    const status = await stored(reply.id);
    await api(`/api/v1/statuses/${status.id}`);
    const post = (p: string) => net.api(p, { method: "POST" });
    await post(`/api/v1/statuses/${status.id}/favourite`);
    const liked = await peer.waitFor((a) => a.type === "Like" && a.object === reply.id, TIMEOUT);
    assert.equal(liked.actor, net.alice.uri);
    await post(`/api/v1/statuses/${status.id}/unfavourite`);
    const unliked = await peer.waitFor((a) => a.type === "Undo" && a.json.object?.id === liked.id, TIMEOUT);
    assert.equal(unliked.json.object.type, "Like");
    await post(`/api/v1/statuses/${status.id}/reblog`);
    const boosted = await peer.waitFor((a) => a.type === "Announce" && a.object === reply.id, TIMEOUT);
    assert.notEqual(boosted.id, liked.id);
    await post(`/api/v1/statuses/${status.id}/unreblog`);
    await peer.waitFor((a) => a.type === "Undo" && a.json.object?.id === boosted.id, TIMEOUT);
  });

  it("the peer's vote counts in alice's poll, and the new tally goes back out", async () => {
    const poll = await createLocalStatus(ctx(), {
      accountId: net.alice.id,
      text: "Tea or coffee?",
      poll: { options: ["tea", "coffee"], expiresIn: 3600 },
    });
    const created = await peer.waitFor((a) => a.type === "Create" && a.object === poll.uri, TIMEOUT);
    assert.equal(created.json.object.type, "Question");
    await peer.vote(poll.uri, "coffee");
    await waitFor("the vote", async () => {
      const row = await ctx().db.selectFrom("polls").selectAll().where("status_id", "=", poll.id).executeTakeFirstOrThrow();
      return row.cached_tallies === "[0,1]";
    }, TIMEOUT);
    const tally = await peer.waitFor((a) => a.type === "Update" && a.object === poll.uri, TIMEOUT);
    assert.deepEqual(tally.json.object.oneOf.map((o: any) => [o.name, o.replies.totalItems]), [["tea", 0], ["coffee", 1]]);
  });

  it("serves alice's posts as ActivityStreams: public to anyone, private only to a signed follower", async () => {
    const res = await fetch(post.uri, { headers: { accept: "application/activity+json" } });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).id, post.uri);
    const html = await fetch(post.uri, { headers: { accept: "text/html" } });
    assert.doesNotMatch(html.headers.get("content-type") ?? "", /activity\+json|ld\+json/, "a browser gets the public pages");
    await html.body?.cancel();

    const outbox = await (await fetch(net.alice.outbox_url!, { headers: { accept: "application/activity+json" } })).json();
    const items = outbox.orderedItems ?? outbox.first?.orderedItems ?? [];
    assert.ok(items.some((a: any) => a.type === "Create" && a.object?.id === post.uri), "the post is in alice's outbox");

    const secret = await createLocalStatus(ctx(), { accountId: net.alice.id, text: "followers only", visibility: "private" });
    const anonymous = await fetch(secret.uri, { headers: { accept: "application/activity+json" } });
    assert.equal(anonymous.status, 404);
    await anonymous.body?.cancel();
    const asFollower = await peer.lookup(secret.uri);
    assert.ok(asFollower instanceof Note, "bob follows alice and may read it");
    assert.equal(await peer.as("carol").lookup(secret.uri), null, "carol does not");

    const gone = await createLocalStatus(ctx(), { accountId: net.alice.id, text: "soon gone" });
    await deleteStatus(ctx(), gone.id, net.alice.id);
    const goneRes = await fetch(gone.uri, { headers: { accept: "application/activity+json" } });
    assert.equal(goneRes.status, 410, "a deleted post is Gone, as on Mastodon");
    assert.equal((await goneRes.json()).type, "Tombstone");
    await peer.waitFor((a) => a.type === "Delete" && a.object === gone.uri, TIMEOUT);
  });

  it("refuses an Update or Delete of the peer's reply from an actor other than its author", async () => {
    const carol = peer.as("carol");
    const forged = new Note({ id: new URL(reply.id), attribution: new URL(peer.actorId), content: "<p>hacked</p>" });
    await carol.send(new Update({ id: new URL(`${carol.actorId}#updates/1`), actor: new URL(carol.actorId), object: forged }), [handle()]);
    await carol.send(
      new Delete({ id: new URL(`${carol.actorId}#deletes/1`), actor: new URL(carol.actorId), object: new Tombstone({ id: new URL(reply.id) }) }),
      [handle()],
    );
    await inboxDrained();
    const status = await stored(reply.id);
    assert.equal(status.deleted_at, null, "not deleted");
    assert.match(status.content, /Hi alice!/, "not edited");
    // The author may.
    await peer.update(reply.id, { content: "<p>Hi alice, edited</p>" });
    await waitFor("the genuine edit", async () => /edited/.test((await stored(reply.id)).content), TIMEOUT);
    const versions = await ctx().db.selectFrom("status_edits").select("content").where("status_id", "=", status.id).execute();
    assert.ok(versions.every((v) => !/hacked/.test(v.content)), "the forged edit never became a version");
    await peer.delete(reply.id);
    await waitFor("the genuine delete", async () => !!(await stored(reply.id)).deleted_at, TIMEOUT);
  });

  it("does not trust a Create whose object comes from another origin", async () => {
    const other = await startPeer({ username: "dave" });
    try {
      const carol = peer.as("carol");
      // A note that exists at the other origin, by dave; carol claims it as hers, with other words.
      const real = await other.createNote({ content: "<p>dave's words</p>" });
      const carried = new Note({ id: new URL(real.id), attribution: new URL(carol.actorId), content: "<p>words put in dave's mouth</p>" });
      await carol.send(new Create({ id: new URL(`${carol.actorId}#creates/1`), actor: new URL(carol.actorId), object: carried }), [handle()]);
      // And one that exists nowhere.
      const phantom = new Note({ id: new URL(`${other.core.origin}/notes/phantom`), attribution: new URL(carol.actorId), content: "<p>phantom</p>" });
      await carol.send(new Create({ id: new URL(`${carol.actorId}#creates/2`), actor: new URL(carol.actorId), object: phantom }), [handle()]);
      await inboxDrained();
      assert.equal(await getStatusByUri(ctx(), real.id), undefined);
      assert.equal(await getStatusByUri(ctx(), phantom.id!.href), undefined);
    } finally {
      await other.stop();
    }
  });

  it("sends nothing while alice has stopped federating", async () => {
    await ctx().db.updateTable("accounts").set({ federating: 0 }).where("id", "=", net.alice.id).execute();
    try {
      const status = await createLocalStatus(ctx(), { accountId: net.alice.id, text: "just for here" });
      await sleep(1500);
      assert.ok(!peer.received.some((a) => a.object === status.uri));
    } finally {
      await ctx().db.updateTable("accounts").set({ federating: 1 }).where("id", "=", net.alice.id).execute();
    }
  });
});
