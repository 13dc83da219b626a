import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Block } from "@fedify/vocab";
import type { Account } from "../../src/domain/accounts.ts";
import { blockAccount, unblockAccount } from "../../src/domain/blocks.ts";
import { DomainError } from "../../src/domain/errors.ts";
import { followAccount, relationship } from "../../src/domain/follows.ts";
import { getStatusByUri } from "../../src/domain/statuses.ts";
import { resolveAccount } from "../../src/federation/lookup.ts";
import { testDialect } from "../helpers/db.ts";
import { startPeer, type TestPeer } from "../helpers/peer.ts";
import type { PeerActor } from "../helpers/peer-actor.ts";
import { eventually, localAccount, startWeft, type LocalWeft } from "./support.ts";

describe(`blocks across servers (${testDialect()})`, () => {
  let weft: LocalWeft;
  let peer: TestPeer;
  let mallory: PeerActor;
  let alice: Account;
  let bob: Account;
  let mal: Account;
  const ctx = () => weft.app.ctx;
  const aliceUri = () => weft.url("/users/alice");
  const notificationsFrom = (from: Account) =>
    ctx().db.selectFrom("notifications").select("type").where("account_id", "=", alice.id).where("from_account_id", "=", from.id).execute();

  before(async () => {
    weft = await startWeft();
    peer = await startPeer({ username: "bob", others: ["mallory"] });
    mallory = peer.as("mallory");
    alice = await localAccount(weft.app, "alice");
    bob = (await resolveAccount(weft.app, peer.handle))!;
    mal = (await resolveAccount(weft.app, mallory.handle))!;
    assert.ok(bob && mal);
  });
  after(async () => {
    await peer?.stop();
    await weft?.stop();
  });

  async function followEachOther(remote: Account, actor: PeerActor): Promise<void> {
    await followAccount(ctx(), alice.id, remote.id);
    await eventually(async () => (await relationship(ctx(), alice.id, remote.id)).following, "alice's follow to be accepted");
    await actor.follow(aliceUri());
    await eventually(async () => actor.followState(aliceUri()) === "accepted", "the peer's follow to be accepted");
    await eventually(async () => (await relationship(ctx(), alice.id, remote.id)).followedBy, "the follow to be stored");
  }

  let blockId: string;

  test("blocking a remote account ends follows both ways and sends it a Block", async () => {
    await followEachOther(bob, peer);
    const rel = await blockAccount(ctx(), alice.id, bob.id);
    assert.equal(rel.blocking, true);
    assert.equal(rel.following, false);
    assert.equal(rel.followedBy, false);
    const block = await peer.waitFor((a) => a.type === "Block" && a.actor === aliceUri());
    assert.equal(block.object, peer.actorId);
    assert.equal(block.recipient, "bob", "sent to bob's own inbox");
    const row = await ctx().db.selectFrom("blocks").selectAll().where("account_id", "=", alice.id).executeTakeFirstOrThrow();
    assert.equal(row.uri, block.id, "the Block's id is kept with the block");
    blockId = block.id!;
    // The peer heard about both follows ending, too.
    await peer.waitFor((a) => a.type === "Undo" && a.actor === aliceUri() && a.json.object?.type === "Follow");
    await eventually(async () => peer.followState(aliceUri()) === "rejected", "bob's follow to be rejected");
    assert.deepEqual(peer.followers, []);
  });

  test("blocking again sends nothing more", async () => {
    await blockAccount(ctx(), alice.id, bob.id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(peer.received.filter((a) => a.type === "Block").length, 1);
  });

  test("unblocking sends Undo(Block) naming the same Block", async () => {
    const rel = await unblockAccount(ctx(), alice.id, bob.id);
    assert.equal(rel.blocking, false);
    const undo = await peer.waitFor((a) => a.type === "Undo" && a.json.object?.type === "Block");
    assert.equal(undo.actor, aliceUri());
    assert.equal(undo.json.object.id, blockId);
    assert.equal(undo.json.object.object, peer.actorId);
  });

  let theirBlock: Block;

  test("a Block from a remote account ends follows both ways and is remembered", async () => {
    await followEachOther(mal, mallory);
    theirBlock = new Block({ id: new URL(`${mallory.actorId}#blocks/1`), actor: new URL(mallory.actorId), object: new URL(aliceUri()) });
    await mallory.send(theirBlock, [aliceUri()]);
    const rel = await eventually(async () => {
      const r = await relationship(ctx(), alice.id, mal.id);
      return r.blockedBy ? r : null;
    }, "the block to be stored");
    assert.equal(rel.following, false);
    assert.equal(rel.followedBy, false);
    assert.equal(rel.requested, false);
    const row = await ctx().db.selectFrom("blocks").selectAll().where("account_id", "=", mal.id).executeTakeFirstOrThrow();
    assert.equal(row.target_account_id, alice.id);
    assert.equal(row.uri, theirBlock.id!.href);
  });

  test("the blocked local account can no longer follow the blocker", async () => {
    await assert.rejects(followAccount(ctx(), alice.id, mal.id), (err) => err instanceof DomainError && err.code === "forbidden");
  });

  test("the blocker's mentions no longer notify the blocked account", async () => {
    const before = (await notificationsFrom(mal)).length;
    const { id } = await mallory.createNote({ content: "@alice still here", mentions: [aliceUri()] });
    await eventually(() => getStatusByUri(ctx(), id), "the mention to be stored");
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await notificationsFrom(mal)).length, before);
  });

  test("Undo(Block) lifts it, and mentions notify again", async () => {
    await mallory.undo(theirBlock);
    await eventually(async () => !(await relationship(ctx(), alice.id, mal.id)).blockedBy, "the block to be lifted");
    const before = (await notificationsFrom(mal)).length;
    const { id } = await mallory.createNote({ content: "@alice hello again", mentions: [aliceUri()] });
    await eventually(() => getStatusByUri(ctx(), id), "the mention to be stored");
    await eventually(async () => (await notificationsFrom(mal)).length > before, "a mention notification");
  });

  test("a Block naming an account that is not ours changes nothing", async () => {
    const res = await mallory.sendRaw(weft.url("/inbox"), {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${mallory.actorId}#blocks/2`,
      type: "Block",
      actor: mallory.actorId,
      object: peer.actorId,
    });
    assert.equal(res.status, 202);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rows = await ctx().db.selectFrom("blocks").select("id").where("account_id", "=", mal.id).execute();
    assert.deepEqual(rows, []);
  });
});
