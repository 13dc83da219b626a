import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Create, Delete, Note, PUBLIC_COLLECTION, Tombstone } from "@fedify/vocab";
import { createLocalStatus, getStatusByUri } from "../../src/domain/statuses.ts";
import { MAX_PARENT_DEPTH } from "../../src/federation/fetch-thread.ts";
import { startPeer, type TestPeer } from "../helpers/peer.ts";
import { waitFor } from "../jobs/wait.ts";
import { startStatusesNet, TIMEOUT, type StatusesNet } from "./statuses-net.ts";

/*
 * More of statuses over HTTPS with the test peer: threads fetched from their origin, direct
 * messages, edits, remote polls both ways, boosts of posts Weft has not seen yet.
 */

let net: StatusesNet;
let peer: TestPeer;

before(async () => {
  net = await startStatusesNet();
  peer = await startPeer({ username: "bob", others: ["carol"] });
  await peer.follow(net.handle);
  await waitFor("the follow to be accepted", () => peer.followState(net.alice.uri) === "accepted", TIMEOUT);
});

after(async () => {
  await peer?.stop();
  await net?.stop();
});

describe("threads, direct messages, edits and polls with a peer", { timeout: 180_000 }, () => {
  it(`fetches the unknown posts a reply answers from their origin, at most ${MAX_PARENT_DEPTH} levels up`, async () => {
    // A thread on the peer that never reached Weft: nobody there follows bob.
    const chain: string[] = [];
    for (let i = 0; i < MAX_PARENT_DEPTH + 1; i++) {
      const note = await peer.createNote({ content: `<p>level ${i}</p>`, inReplyTo: chain.at(-1) });
      chain.push(note.id);
    }
    const leaf = await peer.createNote({ content: "<p>@alice what do you think?</p>", inReplyTo: chain.at(-1), mentions: [net.handle] });
    const stored = await net.stored(leaf.id);
    const fetched = chain.slice(1);
    for (const uri of fetched) await net.stored(uri);
    await net.inboxDrained();
    assert.equal(await getStatusByUri(net.ctx, chain[0]), undefined, "the root is beyond the limit");
    const rows = await Promise.all([...fetched, leaf.id].map((u) => getStatusByUri(net.ctx, u)));
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i]!.in_reply_to_id, rows[i - 1]!.id, "linked to its parent");
    assert.match(stored.content, /what do you think/);
    const context = await net.api(`/api/v1/statuses/${stored.id}/context`);
    assert.deepEqual(context.ancestors.map((s: any) => s.uri), fetched);
  });

  it("a direct message goes to the mentioned account only, addressed to it alone", async () => {
    const dm = await createLocalStatus(net.ctx, { accountId: net.alice.id, text: `@bob@${peer.core.domain} just between us`, visibility: "direct" });
    const got = await peer.waitFor((a) => a.type === "Create" && a.object === dm.uri, TIMEOUT);
    assert.equal(got.json.object.to, peer.actorId);
    assert.equal(got.json.object.cc, undefined);
    assert.doesNotMatch(JSON.stringify(got.json), /followers|#Public/);
    assert.equal(got.json.object.tag.type, "Mention");
  });

  it("an edit reaches followers as an Update with a fresh id", async () => {
    const post = await net.api("/api/v1/statuses", { method: "POST", body: { status: "first words" } });
    await peer.waitFor((a) => a.type === "Create" && a.object === post.uri, TIMEOUT);
    await net.api(`/api/v1/statuses/${post.id}`, { method: "PUT", body: { status: "second words" } });
    const first = await peer.waitFor((a) => a.type === "Update" && a.object === post.uri, TIMEOUT);
    assert.match(first.json.object.content, /second words/);
    assert.ok(first.json.object.updated);
    await net.api(`/api/v1/statuses/${post.id}`, { method: "PUT", body: { status: "third words" } });
    const second = await peer.waitFor((a) => a.type === "Update" && a.object === post.uri && /third/.test(a.json.object.content), TIMEOUT);
    assert.notEqual(second.id, first.id);
  });

  it("alice votes in the peer's poll, and the peer's new counts arrive as an Update", async () => {
    const poll = await peer.createPoll({ content: "<p>@alice pick one</p>", options: ["left", "right"], mentions: [net.handle] });
    const status = await net.stored(poll.id);
    assert.ok(status.poll_id, "stored with its poll");
    await net.api(`/api/v1/polls/${status.poll_id}/votes`, { method: "POST", body: { choices: [1] } });
    const vote = await peer.waitFor((a) => a.type === "Create" && a.json.object?.inReplyTo === poll.id, TIMEOUT);
    assert.equal(vote.json.object.name, "right");
    assert.equal(vote.json.object.to, peer.actorId);
    assert.equal(vote.actor, net.alice.uri);
    await peer.update(poll.id, { votes: [3, 4] });
    await waitFor("the new counts", async () => {
      const row = await net.ctx.db.selectFrom("polls").select("cached_tallies").where("id", "=", status.poll_id!).executeTakeFirstOrThrow();
      return row.cached_tallies === "[3,4]";
    }, TIMEOUT);
  });

  it("does not store a post whose Delete arrived before its Create", async () => {
    const id = new URL(`${peer.actorId}/notes/crossed-${Date.now()}`);
    const note = new Note({ id, attribution: new URL(peer.actorId), content: "<p>regretted</p>", to: PUBLIC_COLLECTION });
    const actor = new URL(peer.actorId);
    await peer.send(new Delete({ id: new URL(`${id.href}#delete`), actor, object: new Tombstone({ id }) }), [net.handle]);
    await net.inboxDrained();
    await peer.send(new Create({ id: new URL(`${id.href}/activity`), actor, object: note }), [net.handle]);
    await net.inboxDrained();
    assert.equal(await getStatusByUri(net.ctx, id.href), undefined);
  });

  it("a boost of a post Weft has not seen fetches it from its origin", async () => {
    const carol = peer.as("carol");
    const note = await carol.createNote({ content: "<p>carol's thought</p>" });
    const boost = await peer.announce(note.id, { to: [net.handle] });
    const original = await net.stored(note.id);
    assert.match(original.content, /carol's thought/);
    await waitFor("the boost", async () => {
      const row = await getStatusByUri(net.ctx, boost.id!.href);
      return !!row && row.reblog_of_id === original.id;
    }, TIMEOUT);
    assert.equal(boost.toIds[0].href, PUBLIC_COLLECTION.href);
  });
});
