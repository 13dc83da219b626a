import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Follow } from "@fedify/vocab";
import type { Account } from "../../src/domain/accounts.ts";
import { authorizeFollowRequest } from "../../src/domain/follows.ts";
import { testDialect } from "../helpers/db.ts";
import { startPeer, type TestPeer } from "../helpers/peer.ts";
import { accountByUri, eventually, localAccount, startWeft, stillNothing, type LocalWeft } from "./support.ts";

const AS = "https://www.w3.org/ns/activitystreams";

describe(`inbox: what a signed peer can and cannot do (${testDialect()})`, () => {
  let weft: LocalWeft;
  let peer: TestPeer;
  let alice: Account;
  let lena: Account;
  const db = () => weft.app.ctx.db;
  const aliceUri = () => weft.url("/users/alice");
  const aliceInbox = () => weft.url("/users/alice/inbox");

  before(async () => {
    weft = await startWeft();
    peer = await startPeer({ username: "bob", others: ["carol", "dave", "mallory"] });
    alice = await localAccount(weft.app, "alice");
    lena = await localAccount(weft.app, "lena", { locked: 1 });
  });
  after(async () => {
    await peer?.stop();
    await weft?.stop();
  });

  const follows = (targetId: string) =>
    db().selectFrom("follows").innerJoin("accounts", "accounts.id", "follows.account_id")
      .select(["accounts.uri as follower", "follows.uri as uri"]).where("target_account_id", "=", targetId).execute()
      .then((rows) => rows.map((r) => ({ ...r })));
  const counts = (id: string) =>
    db().selectFrom("accounts").select(["followers_count", "following_count"]).where("id", "=", id).executeTakeFirstOrThrow();
  const notifications = (id: string, type: string) =>
    db().selectFrom("notifications").select("from_account_id").where("account_id", "=", id).where("type", "=", type).execute();
  const accepts = (followId: string) => peer.received.filter((a) => a.type === "Accept" && a.object === followId);

  let bobFollow: Follow;

  test("accepts a signed Follow from a peer, stores the follower and sends the Accept", async () => {
    bobFollow = await peer.follow(`@alice@${weft.domain}`);
    const accept = await peer.waitFor((a) => a.type === "Accept" && a.object === bobFollow.id?.href);
    assert.equal(accept.actor, aliceUri());
    assert.equal(accept.recipient, "bob", "to bob's own inbox");
    assert.equal(peer.followState(aliceUri()), "accepted");
    assert.deepEqual(await follows(alice.id), [{ follower: peer.actorId, uri: bobFollow.id!.href }]);
    assert.equal((await counts(alice.id)).followers_count, 1);
    const bob = (await accountByUri(weft.app, peer.actorId))!;
    assert.equal(bob.username, "bob");
    assert.equal(bob.domain, peer.core.domain);
    assert.equal(bob.inbox_url, peer.inbox);
    assert.match(bob.public_key_pem ?? "", /BEGIN PUBLIC KEY/);
    assert.equal(bob.following_count, 1, "its own count, as the peer's following collection says, plus this follow");
    assert.deepEqual((await notifications(alice.id, "follow")).map((n) => n.from_account_id), [bob.id]);
  });

  test("a locked account gets a follow request instead, and authorizing it sends the Accept", async () => {
    const carol = peer.as("carol");
    const follow = await carol.follow(`@lena@${weft.domain}`);
    const request = await eventually(
      () => db().selectFrom("follow_requests").selectAll().where("target_account_id", "=", lena.id).executeTakeFirst(),
      "a follow request for lena",
    );
    assert.equal(request.uri, follow.id!.href);
    assert.equal((await notifications(lena.id, "follow_request")).length, 1);
    assert.equal(await follows(lena.id).then((r) => r.length), 0);
    assert.ok(await stillNothing(async () => peer.received.some((a) => a.type === "Accept" && a.object === follow.id?.href)));

    await authorizeFollowRequest(weft.app.ctx, lena.id, request.account_id);
    await peer.waitFor((a) => a.type === "Accept" && a.object === follow.id?.href);
    assert.equal(carol.followState(weft.url("/users/lena")), "accepted");
    assert.equal((await counts(lena.id)).followers_count, 1);
  });

  test("a redelivered Follow has one effect, whichever inbox it reaches, even at the same time", async () => {
    const dave = peer.as("dave");
    const id = `${dave.actorId}/follows/dup-1`;
    const follow = { "@context": AS, id, type: "Follow", actor: dave.actorId, object: aliceUri() };
    const answers = await Promise.all([
      dave.sendRaw(aliceInbox(), follow),
      dave.sendRaw(weft.url("/inbox"), follow),
      dave.sendRaw(aliceInbox(), follow),
    ]);
    assert.deepEqual(answers.map((a) => a.status), [202, 202, 202]);
    await peer.waitFor((a) => a.type === "Accept" && a.object === id);
    assert.ok(await stillNothing(async () => accepts(id).length > 1, 2_000), "one Accept");
    const fromDave = (await follows(alice.id)).filter((f) => f.follower === dave.actorId);
    assert.equal(fromDave.length, 1);
    assert.equal((await counts(alice.id)).followers_count, 2);
    const daveRow = (await accountByUri(weft.app, dave.actorId))!;
    assert.equal((await notifications(alice.id, "follow")).filter((n) => n.from_account_id === daveRow.id).length, 1);
  });

  test("an Undo of someone else's Follow changes nothing", async () => {
    const mallory = peer.as("mallory");
    const embedded = { id: bobFollow.id!.href, type: "Follow", actor: peer.actorId, object: aliceUri() };
    for (const [n, object] of [embedded, bobFollow.id!.href].entries()) {
      const res = await mallory.sendRaw(aliceInbox(), { "@context": AS, id: `${mallory.actorId}#undo/${n}`, type: "Undo", actor: mallory.actorId, object });
      assert.equal(res.status, 202);
    }
    assert.ok(await stillNothing(async () => !(await follows(alice.id)).some((f) => f.follower === peer.actorId)));
  });

  test("Undo(Follow) from the follower ends the follow", async () => {
    await peer.undo(bobFollow);
    await eventually(async () => (await follows(alice.id)).every((f) => f.follower !== peer.actorId), "bob's follow to go");
    assert.equal((await counts(alice.id)).followers_count, 1, "dave still follows");
  });

  test("refuses an unsigned POST and one signed with another actor's key with 401", async () => {
    const like = { "@context": AS, id: `${peer.actorId}#likes/1`, type: "Follow", actor: peer.actorId, object: aliceUri() };
    const unsigned = await peer.sendRaw(aliceInbox(), like, { sign: false });
    assert.equal(unsigned.status, 401);
    const mallory = peer.as("mallory");
    const forged = await mallory.sendRaw(aliceInbox(), like, { keyId: `${mallory.actorId}#main-key` });
    assert.equal(forged.status, 401);
    assert.ok(await stillNothing(async () => (await follows(alice.id)).some((f) => f.follower === peer.actorId), 1_000));
  });

  test("refuses a body over 1 MB with 413, declared or streamed, before looking at anything else", async () => {
    const big = JSON.stringify({ "@context": AS, type: "Note", content: "x".repeat(2 * 1024 * 1024) });
    const declared = await fetch(aliceInbox(), { method: "POST", headers: { "content-type": "application/activity+json" }, body: big });
    assert.equal(declared.status, 413);
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.subarray(i, i + 64 * 1024));
        controller.close();
      },
    });
    const streamed = await fetch(weft.url("/inbox"), {
      method: "POST",
      headers: { "content-type": "application/activity+json", signature: 'keyId="x"' },
      body: stream,
      duplex: "half",
    } as RequestInit);
    assert.equal(streamed.status, 413);
  });

  test("refuses malformed JSON with 400", async () => {
    const res = await peer.sendRaw(aliceInbox(), '{"type": "Follow", ');
    assert.equal(res.status, 400);
  });

  test("accepts an activity of an unknown type with 202 and stores nothing", async () => {
    const tables = ["inbox_activities", "notifications", "follows", "follow_requests", "statuses", "accounts"] as const;
    const before = await Promise.all(tables.map((t) => db().selectFrom(t).select((eb) => eb.fn.countAll<string | number>().as("n")).executeTakeFirstOrThrow()));
    for (const type of ["Frobnicate", "Listen"]) {
      const res = await peer.as("mallory").sendRaw(weft.url("/inbox"), {
        "@context": AS,
        id: `${peer.as("mallory").actorId}/things/${type}`,
        type,
        actor: peer.as("mallory").actorId,
        object: aliceUri(),
      });
      assert.equal(res.status, 202, `${type}: ${res.body}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const after = await Promise.all(tables.map((t) => db().selectFrom(t).select((eb) => eb.fn.countAll<string | number>().as("n")).executeTakeFirstOrThrow()));
    assert.deepEqual(after.map((r) => Number(r.n)), before.map((r) => Number(r.n)));
  });

  test("ignores a Follow whose id lives on another server", async () => {
    const mallory = peer.as("mallory");
    const res = await mallory.sendRaw(aliceInbox(), {
      "@context": AS,
      id: "https://elsewhere.example/follows/1",
      type: "Follow",
      actor: mallory.actorId,
      object: aliceUri(),
    });
    assert.equal(res.status, 202);
    assert.ok(await stillNothing(async () => (await follows(alice.id)).some((f) => f.follower === mallory.actorId)));
  });

  test("a Delete of an actor by itself removes its account's follows and marks it deleted", async () => {
    const dave = peer.as("dave");
    const daveRow = (await accountByUri(weft.app, dave.actorId))!;
    const res = await dave.sendRaw(weft.url("/inbox"), {
      "@context": AS,
      id: `${dave.actorId}#delete`,
      type: "Delete",
      actor: dave.actorId,
      to: `${AS}#Public`,
      object: dave.actorId,
    });
    assert.equal(res.status, 202);
    const gone = await eventually(
      async () => (await db().selectFrom("accounts").selectAll().where("id", "=", daveRow.id).executeTakeFirstOrThrow()).deleted_at && true,
      "dave's account to be deleted",
    );
    assert.ok(gone);
    assert.equal((await follows(alice.id)).length, 0);
    assert.equal((await counts(alice.id)).followers_count, 0);
  });
});
