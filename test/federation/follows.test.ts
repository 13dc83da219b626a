import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Account } from "../../src/domain/accounts.ts";
import type { Ctx } from "../../src/domain/context.ts";
import {
  authorizeFollowRequest,
  followAccount,
  rejectFollowRequest,
  relationship,
  removeFromFollowers,
  unfollowAccount,
} from "../../src/domain/follows.ts";
import { newId, nowIso } from "../../src/domain/ids.ts";
import { resolveAccount } from "../../src/federation/lookup.ts";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";
import { makeAccount, testCtx } from "../helpers/factories.ts";
import { startPeer, type TestPeer } from "../helpers/peer.ts";
import { eventually, localAccount, startWeft, stillNothing, type LocalWeft } from "./support.ts";

const AS = "https://www.w3.org/ns/activitystreams";

describe(`following remote accounts (${testDialect()})`, () => {
  let weft: LocalWeft;
  let peer: TestPeer;
  let strict: TestPeer;
  let alice: Account;
  let bob: Account;
  let gina: Account;
  const db = () => weft.app.ctx.db;
  const aliceUri = () => weft.url("/users/alice");
  const account = (id: string) => db().selectFrom("accounts").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  before(async () => {
    weft = await startWeft();
    peer = await startPeer({ username: "bob", others: ["mallory"] });
    strict = await startPeer({ username: "gina", autoAccept: false });
    alice = await localAccount(weft.app, "alice");
    bob = (await resolveAccount(weft.app, peer.handle))!;
    gina = (await resolveAccount(weft.app, strict.handle))!;
    assert.ok(bob && gina, "both peers resolve by handle");
  });
  after(async () => {
    await peer?.stop();
    await strict?.stop();
    await weft?.stop();
  });

  let followId: string;

  test("a follow is requested, sent as a Follow, and becomes a follow when the Accept comes back", async () => {
    const requested = await followAccount(weft.app.ctx, alice.id, bob.id);
    assert.equal(requested.requested, true);
    assert.equal(requested.following, false);
    const follow = await peer.waitFor((a) => a.type === "Follow" && a.actor === aliceUri());
    assert.equal(follow.object, peer.actorId);
    followId = follow.id!;
    const request = await db().selectFrom("follow_requests").select("uri").where("account_id", "=", alice.id).executeTakeFirstOrThrow();
    assert.equal(request.uri, followId, "the Follow carries the id we keep");
    await eventually(async () => (await relationship(weft.app.ctx, alice.id, bob.id)).following, "the follow to be accepted");
    assert.deepEqual(peer.followers, [aliceUri()]);
    assert.equal((await account(alice.id)).following_count, 1);
    const rel = await relationship(weft.app.ctx, alice.id, bob.id);
    assert.equal(rel.requested, false);
  });

  test("an Update(Person) from a followed actor changes its stored profile", async () => {
    await peer.updateProfile({ name: "Robert", summary: "<p>hi <script>alert(1)</script></p>" });
    const updated = await eventually(async () => {
      const row = await account(bob.id);
      return row.display_name === "Robert" ? row : null;
    }, "bob's new name");
    assert.equal(updated.note, "<p>hi </p>", "the summary is sanitised");
  });

  test("an Update naming another actor is refused", async () => {
    const mallory = peer.as("mallory");
    const res = await mallory.sendRaw(weft.url("/inbox"), {
      "@context": AS,
      id: `${mallory.actorId}#updates/1`,
      type: "Update",
      actor: mallory.actorId,
      object: { id: peer.actorId, type: "Person", preferredUsername: "bob", name: "Hijacked", inbox: peer.inbox },
    });
    assert.equal(res.status, 202);
    assert.ok(await stillNothing(async () => (await account(bob.id)).display_name === "Hijacked"));
  });

  test("unfollowing sends Undo(Follow) naming the same Follow, and the peer lets go", async () => {
    const rel = await unfollowAccount(weft.app.ctx, alice.id, bob.id);
    assert.equal(rel.following, false);
    const undo = await peer.waitFor((a) => a.type === "Undo" && a.actor === aliceUri());
    assert.equal(undo.object, followId);
    assert.deepEqual(peer.followers, []);
    assert.equal((await account(alice.id)).following_count, 0);
  });

  test("an Accept from someone other than the followed actor changes nothing", async () => {
    await followAccount(weft.app.ctx, alice.id, gina.id);
    const follow = await strict.waitFor((a) => a.type === "Follow" && a.actor === aliceUri());
    const mallory = peer.as("mallory");
    const res = await mallory.sendRaw(weft.url("/users/alice/inbox"), {
      "@context": AS,
      id: `${mallory.actorId}#accepts/1`,
      type: "Accept",
      actor: mallory.actorId,
      object: { id: follow.id, type: "Follow", actor: aliceUri(), object: strict.actorId },
    });
    assert.equal(res.status, 202);
    assert.ok(await stillNothing(async () => (await relationship(weft.app.ctx, alice.id, gina.id)).following));
    assert.equal((await relationship(weft.app.ctx, alice.id, gina.id)).requested, true);
  });

  test("a Reject ends the pending request", async () => {
    await strict.rejectFollower(aliceUri());
    await eventually(async () => !(await relationship(weft.app.ctx, alice.id, gina.id)).requested, "the request to end");
    assert.equal((await relationship(weft.app.ctx, alice.id, gina.id)).following, false);
  });
});

describe(`follows between local accounts (${testDialect()})`, () => {
  let t: TestDb;
  let ctx: Ctx;
  let ann: Account;
  let ben: Account;
  let lou: Account;
  let rem: Account;

  before(async () => {
    t = await createTestDb();
    ctx = testCtx(t);
    ann = await makeAccount(t.db, { username: "ann" });
    ben = await makeAccount(t.db, { username: "ben" });
    lou = await makeAccount(t.db, { username: "lou", locked: 1 });
    rem = await makeAccount(t.db, { username: "rem", domain: "remote.example" });
  });
  after(async () => {
    await t?.drop();
  });

  const jobs = () => t.db.selectFrom("jobs").select("payload").execute().then((rows) => rows.map((r) => JSON.parse(r.payload)));
  const counts = (id: string) =>
    t.db.selectFrom("accounts").select(["followers_count", "following_count"]).where("id", "=", id).executeTakeFirstOrThrow().then((r) => ({ ...r }));
  const notes = (id: string) =>
    t.db.selectFrom("notifications").select(["type", "from_account_id"]).where("account_id", "=", id).execute().then((r) => r.map((n) => ({ ...n })));

  test("following an unlocked local account takes effect at once, notifies, and sends nothing", async () => {
    const rel = await followAccount(ctx, ann.id, ben.id, { reblogs: false, notify: true });
    assert.equal(rel.following, true);
    assert.equal(rel.showingReblogs, false);
    assert.equal(rel.notifying, true);
    assert.deepEqual(await jobs(), []);
    assert.deepEqual(await counts(ann.id), { followers_count: 0, following_count: 1 });
    assert.deepEqual(await counts(ben.id), { followers_count: 1, following_count: 0 });
    assert.deepEqual(await notes(ben.id), [{ type: "follow", from_account_id: ann.id }]);
    // Following again only changes the options.
    const again = await followAccount(ctx, ann.id, ben.id, { reblogs: true });
    assert.equal(again.showingReblogs, true);
    assert.deepEqual(await counts(ben.id), { followers_count: 1, following_count: 0 });
  });

  test("a locked local account gets a request it can authorize or reject", async () => {
    const rel = await followAccount(ctx, ann.id, lou.id);
    assert.equal(rel.requested, true);
    assert.deepEqual(await notes(lou.id), [{ type: "follow_request", from_account_id: ann.id }]);
    const authorized = await authorizeFollowRequest(ctx, lou.id, ann.id);
    assert.equal(authorized.followedBy, true);
    assert.deepEqual(await counts(lou.id), { followers_count: 1, following_count: 0 });
    await followAccount(ctx, ben.id, lou.id);
    const rejected = await rejectFollowRequest(ctx, lou.id, ben.id);
    assert.equal(rejected.requestedBy, false);
    assert.equal(rejected.followedBy, false);
    assert.deepEqual(await jobs(), [], "local follows need no federation");
    await assert.rejects(authorizeFollowRequest(ctx, lou.id, ben.id), /not found/i);
  });

  test("unfollowing and removing a follower update both counts", async () => {
    await unfollowAccount(ctx, ann.id, ben.id);
    assert.deepEqual(await counts(ben.id), { followers_count: 0, following_count: 0 });
    await removeFromFollowers(ctx, lou.id, ann.id);
    assert.deepEqual(await counts(lou.id), { followers_count: 0, following_count: 0 });
    assert.deepEqual(await counts(ann.id), { followers_count: 0, following_count: 0 });
  });

  test("a remote follower removed from followers hears a Reject; following a remote account queues a Follow", async () => {
    await t.db
      .insertInto("follows")
      .values({ id: newId(), account_id: rem.id, target_account_id: ann.id, uri: "https://remote.example/f/1", show_reblogs: 1, notify: 0, created_at: nowIso() })
      .execute();
    await removeFromFollowers(ctx, ann.id, rem.id);
    await followAccount(ctx, ann.id, rem.id);
    const [reject, follow] = await jobs();
    assert.deepEqual(reject, { kind: "deliver", activity: { type: "RejectFollow", accountId: ann.id, followerId: rem.id, followUri: "https://remote.example/f/1" } });
    assert.equal(follow.activity.type, "Follow");
    assert.match(follow.activity.uri, /^https:\/\/weft\.test\/users\/ann#follows\/\d+$/);
  });

  test("refuses to follow oneself or someone blocking you", async () => {
    await assert.rejects(followAccount(ctx, ann.id, ann.id), /yourself/);
    await t.db.insertInto("blocks").values({ id: newId(), account_id: ben.id, target_account_id: ann.id, uri: null, created_at: nowIso() }).execute();
    await assert.rejects(followAccount(ctx, ann.id, ben.id), /not allowed/);
  });
});
