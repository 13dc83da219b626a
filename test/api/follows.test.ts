import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntities, assertMatchesEntity } from "../helpers/openapi.ts";
import { caller, links, makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

describe(`follows, blocks and mutes (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  before(async () => {
    server = await startApiServer();
    alice = await makeUser(server, "alice");
    bob = await makeUser(server, "bob");
    carol = await makeUser(server, "carol", { locked: true });
  });
  after(async () => server?.close());

  it("follows and unfollows, answering with the relationship", async (t) => {
    const res = await bob.call("POST", `/api/v1/accounts/${alice.account.id}/follow`, { reblogs: false, notify: true });
    assert.equal(res.status, 200);
    const rel = await res.json();
    assertMatchesEntity(rel, "Relationship", t);
    assert.deepEqual([rel.id, rel.following, rel.showing_reblogs, rel.notifying], [alice.account.id, true, false, true]);
    const back = (await alice.masto.v1.accounts.relationships.fetch({ id: [bob.account.id] }))[0];
    assert.equal(back.followedBy, true);
    const followers = await (await caller(server, null)("GET", `/api/v1/accounts/${alice.account.id}/followers`)).json();
    assertMatchesEntities(followers, "Account", t);
    assert.deepEqual(followers.map((a: { id: string }) => a.id), [bob.account.id]);
    const following = await bob.masto.v1.accounts.$select(bob.account.id).following.list();
    assert.deepEqual(following.map((a) => a.id), [alice.account.id]);
    const after = await bob.masto.v1.accounts.$select(alice.account.id).unfollow();
    assert.equal(after.following, false);
    assert.deepEqual(await alice.masto.v1.accounts.$select(alice.account.id).followers.list(), []);
  });

  it("pages followers by when they followed, with Link headers", async () => {
    const fans: TestUser[] = [];
    for (let i = 0; i < 3; i++) {
      const fan = await makeUser(server, `fan${i}`);
      await fan.masto.v1.accounts.$select(bob.account.id).follow();
      fans.push(fan);
    }
    const first = await caller(server, null)("GET", `/api/v1/accounts/${bob.account.id}/followers?limit=2`);
    const page = await first.json();
    assert.deepEqual(page.map((a: { id: string }) => a.id), [fans[2].account.id, fans[1].account.id]);
    const { next } = links(first);
    assert.ok(next);
    const rest = await (await fetch(next)).json();
    assert.deepEqual(rest.map((a: { id: string }) => a.id), [fans[0].account.id]);
  });

  it("asks a locked account, which authorizes or rejects the request", async () => {
    const rel = await alice.masto.v1.accounts.$select(carol.account.id).follow();
    assert.deepEqual([rel.following, rel.requested], [false, true]);
    await bob.masto.v1.accounts.$select(carol.account.id).follow();
    const requests = await carol.masto.v1.followRequests.list();
    assert.deepEqual(requests.map((a) => a.id), [bob.account.id, alice.account.id]);
    const ok = await carol.masto.v1.followRequests.$select(alice.account.id).authorize();
    assert.equal(ok.followedBy, true);
    const no = await carol.masto.v1.followRequests.$select(bob.account.id).reject();
    assert.deepEqual([no.followedBy, no.requestedBy], [false, false]);
    assert.deepEqual(await carol.masto.v1.followRequests.list(), []);
    assert.equal((await carol.call("POST", `/api/v1/follow_requests/${bob.account.id}/authorize`)).status, 404);
    const types = (await carol.masto.v1.notifications.list()).map((n) => n.type);
    assert.ok(types.includes("follow_request"));
  });

  it("blocking ends follows both ways and hides the blocker's followers from the blocked", async () => {
    const dave = await makeUser(server, "dave");
    await dave.masto.v1.accounts.$select(alice.account.id).follow();
    await alice.masto.v1.accounts.$select(dave.account.id).follow();
    const rel = await alice.masto.v1.accounts.$select(dave.account.id).block();
    assert.deepEqual([rel.blocking, rel.following, rel.followedBy], [true, false, false]);
    const blocked = await alice.masto.v1.blocks.list();
    assert.deepEqual(blocked.map((a) => a.id), [dave.account.id]);
    assert.equal((await dave.call("POST", `/api/v1/accounts/${alice.account.id}/follow`)).status, 403);
    assert.deepEqual(await dave.masto.v1.accounts.$select(alice.account.id).followers.list(), []);
    const unblocked = await alice.masto.v1.accounts.$select(dave.account.id).unblock();
    assert.equal(unblocked.blocking, false);
  });

  it("mutes with and without notifications, for a while or for good", async () => {
    const muted = await (await bob.call("POST", `/api/v1/accounts/${alice.account.id}/mute`, { notifications: false, duration: 3600 })).json();
    assert.deepEqual([muted.muting, muted.muting_notifications], [true, false]);
    assert.ok(Date.parse(muted.muting_expires_at) > Date.now());
    const again = await (await bob.call("POST", `/api/v1/accounts/${alice.account.id}/mute`)).json();
    assert.deepEqual([again.muting, again.muting_notifications, again.muting_expires_at], [true, true, null]);
    assert.deepEqual((await bob.masto.v1.mutes.list()).map((a) => a.id), [alice.account.id]);
    const unmuted = await bob.masto.v1.accounts.$select(alice.account.id).unmute();
    assert.equal(unmuted.muting, false);
  });

  it("answers 404 for unknown accounts and refuses following oneself", async () => {
    assert.equal((await bob.call("POST", "/api/v1/accounts/999999999999999999/follow")).status, 404);
    assert.equal((await bob.call("GET", "/api/v1/accounts/999999999999999999/followers")).status, 404);
    assert.equal((await bob.call("POST", `/api/v1/accounts/${bob.account.id}/follow`)).status, 403);
  });

  it("needs the follow, block and mute scopes", async () => {
    const anon = caller(server, null);
    const readOnly = caller(server, await tokenFor(server, bob.account.id, "read"));
    const writes: Array<[string, string]> = [
      [`/api/v1/accounts/${alice.account.id}/follow`, "write:follows"],
      [`/api/v1/accounts/${alice.account.id}/unfollow`, "write:follows"],
      [`/api/v1/accounts/${alice.account.id}/block`, "write:blocks"],
      [`/api/v1/accounts/${alice.account.id}/unblock`, "write:blocks"],
      [`/api/v1/accounts/${alice.account.id}/mute`, "write:mutes"],
      [`/api/v1/accounts/${alice.account.id}/unmute`, "write:mutes"],
      [`/api/v1/follow_requests/${alice.account.id}/authorize`, "write:follows"],
      [`/api/v1/follow_requests/${alice.account.id}/reject`, "write:follows"],
    ];
    for (const [path, scope] of writes) {
      assert.equal((await anon("POST", path)).status, 401, path);
      assert.equal((await readOnly("POST", path)).status, 403, path);
      const narrow = caller(server, await tokenFor(server, bob.account.id, scope === "write:follows" ? "write:blocks" : "write:follows"));
      assert.equal((await narrow("POST", path)).status, 403, `${path} with the wrong narrow scope`);
    }
    const followScope = caller(server, await tokenFor(server, bob.account.id, "follow"));
    assert.equal((await followScope("POST", `/api/v1/accounts/${alice.account.id}/mute`)).status, 200, "the legacy follow scope covers mutes");
    assert.equal((await followScope("POST", `/api/v1/accounts/${alice.account.id}/unmute`)).status, 200);
    const writeOnly = caller(server, await tokenFor(server, bob.account.id, "write"));
    for (const path of ["/api/v1/follow_requests", "/api/v1/blocks", "/api/v1/mutes"]) {
      assert.equal((await anon("GET", path)).status, 401, path);
      assert.equal((await writeOnly("GET", path)).status, 403, path);
    }
  });
});
