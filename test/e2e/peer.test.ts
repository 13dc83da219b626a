import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startPeer, type TestPeer } from "../helpers/peer.ts";

// The test peer's sending side, checked against another test peer: what Weft's federation tests send
// through it has to be what Mastodon would send.

describe("the test peer speaks Mastodon-shaped ActivityPub", () => {
  let alice: TestPeer;
  let bob: TestPeer;

  before(async () => {
    alice = await startPeer({ username: "alice" });
    bob = await startPeer({ username: "bob", others: ["eve"], autoAccept: false });
  });
  after(async () => {
    await alice?.stop();
    await bob?.stop();
  });

  test("a locked actor holds a follow request until it is answered", async () => {
    const follow = await alice.follow(bob.handle);
    await bob.waitFor((a) => a.id === follow.id?.href);
    assert.equal(alice.followState(bob.actorId), "pending");
    assert.deepEqual(bob.followers, []);
    await bob.acceptFollower(alice.actorId);
    await alice.waitFor((a) => a.type === "Accept" && a.object === follow.id?.href);
    assert.equal(alice.followState(bob.actorId), "accepted");
    assert.deepEqual(bob.followers, [alice.actorId]);
  });

  test("likes, boosts and their undoing reach the author", async () => {
    const { id } = await alice.createNote({ content: "<p>a post</p>" });
    const like = await bob.like(id);
    assert.equal((await alice.waitFor((a) => a.id === like.id?.href)).object, id);
    const boost = await bob.announce(id);
    const got = await alice.waitFor((a) => a.id === boost.id?.href);
    assert.equal(got.type, "Announce");
    assert.equal(got.object, id);
    const undo = await bob.undo(like);
    const undone = await alice.waitFor((a) => a.id === undo.id?.href);
    assert.equal(undone.json.object.id, like.id?.href);
  });

  test("edits and deletes reach the followers that got the post", async () => {
    const { id } = await bob.createNote({ content: "<p>first</p>", visibility: "followers" });
    const created = await alice.waitFor((a) => a.type === "Create" && a.object === id);
    assert.equal(created.json.object.to, bob.followersUri);
    await bob.update(id, { content: "<p>second</p>" });
    const edit = await alice.waitFor((a) => a.type === "Update" && a.object === id);
    assert.equal(edit.json.object.content, "<p>second</p>");
    assert.ok(edit.json.object.updated);
    await bob.delete(id);
    const gone = await alice.waitFor((a) => a.type === "Delete" && a.object === id);
    assert.equal(gone.json.object.type, "Tombstone");
    assert.equal(await bob.lookup(id), null, "the deleted note is no longer served");
  });

  test("votes on a poll come as one named Note per choice, and counts go out as an Update", async () => {
    const { id } = await alice.createPoll({ content: "<p>tea or coffee?</p>", options: ["tea", "coffee"] });
    await bob.vote(id, "coffee");
    const vote = await alice.waitFor((a) => a.type === "Create" && a.json.object?.inReplyTo === id);
    assert.equal(vote.json.object.name, "coffee");
    assert.equal(vote.json.object.to, alice.actorId);
    await alice.update(id, { votes: [0, 1] });
    const poll = await bob.lookup(id);
    const json = (await poll?.toJsonLd()) as Record<string, any>;
    assert.deepEqual(json.oneOf.map((o: any) => [o.name, o.replies.totalItems]), [["tea", 0], ["coffee", 1]]);
  });

  test("a direct mention reaches only the mentioned actor, from another actor on the same peer", async () => {
    const eve = bob.as("eve");
    const { id } = await eve.createNote({ content: "<p>psst</p>", visibility: "direct", mentions: [alice.handle] });
    const dm = await alice.waitFor((a) => a.type === "Create" && a.object === id);
    assert.equal(dm.actor, eve.actorId);
    assert.equal(dm.json.object.to, alice.actorId);
    assert.equal(dm.json.object.tag.type, "Mention");
    assert.equal(dm.json.object.tag.name, `@alice@${alice.host}:${alice.port}`);
  });

  test("Undo(Follow) ends the relationship on the other side", async () => {
    const follow = await alice.as("alice").follow(bob.as("eve").handle);
    await bob.waitFor((a) => a.id === follow.id?.href);
    await bob.as("eve").acceptFollower(alice.actorId);
    assert.deepEqual(bob.as("eve").followers, [alice.actorId]);
    const undo = await alice.undo(follow);
    await bob.waitFor((a) => a.id === undo.id?.href);
    assert.deepEqual(bob.as("eve").followers, []);
  });
});
