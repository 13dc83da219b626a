import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntities, assertMatchesEntity } from "../helpers/openapi.ts";
import { caller, makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

const AS_JSON = "application/activity+json";

describe(`pinned posts and muted threads (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  before(async () => {
    server = await startApiServer();
    alice = await makeUser(server, "alice");
    bob = await makeUser(server, "bob");
    carol = await makeUser(server, "carol");
    // alice shares with the fediverse, so her actor and its featured collection are served.
    await server.ctx.db.updateTable("accounts").set({ federating: 1 }).where("id", "=", alice.account.id).execute();
  });
  after(async () => server?.close());

  const post = async (user: TestUser, status: string, visibility = "public") =>
    (await (await user.call("POST", "/api/v1/statuses", { status, visibility })).json()) as { id: string; pinned?: boolean };

  it("pins the author's own post: pinned in the status, first among the profile's pinned posts", async (t) => {
    const older = await post(alice, "my older favourite post");
    const newer = await post(alice, "a newer one");
    assert.equal(newer.pinned, false, "the author sees pinned: false on a pinnable post");

    const pinned = await alice.call("POST", `/api/v1/statuses/${older.id}/pin`);
    assert.equal(pinned.status, 200);
    const json = await pinned.json();
    assertMatchesEntity(json, "Status", t);
    assert.equal(json.pinned, true);
    await alice.call("POST", `/api/v1/statuses/${newer.id}/pin`);
    assert.equal((await alice.call("POST", `/api/v1/statuses/${newer.id}/pin`)).status, 200, "pinning twice is harmless");

    const list = await (await bob.call("GET", `/api/v1/accounts/${alice.account.id}/statuses?pinned=true`)).json();
    assertMatchesEntities(list, "Status", t);
    assert.deepEqual(list.map((s: { id: string }) => s.id), [newer.id, older.id], "most recently pinned first");
    assert.equal(list[0].pinned, undefined, "someone else is not told whether it is pinned");
    const anon = await (await caller(server, null)("GET", `/api/v1/accounts/${alice.account.id}/statuses?pinned=true`)).json();
    assert.equal(anon.length, 2, "pins are public");

    const unpinned = await (await alice.call("POST", `/api/v1/statuses/${newer.id}/unpin`)).json();
    assert.equal(unpinned.pinned, false);
    const after = await (await alice.call("GET", `/api/v1/accounts/${alice.account.id}/statuses?pinned=true`)).json();
    assert.deepEqual(after.map((s: { id: string }) => s.id), [older.id]);
    assert.equal(after[0].pinned, true);
    await alice.call("POST", `/api/v1/statuses/${older.id}/unpin`);
  });

  it("refuses to pin someone else's post, a boost, a direct post or a sixth post, with Mastodon's messages", async () => {
    const bobs = await post(bob, "bob's post");
    const other = await alice.call("POST", `/api/v1/statuses/${bobs.id}/pin`);
    assert.equal(other.status, 422);
    assert.match((await other.json()).error, /belongs to someone else/);

    const boost = await (await alice.call("POST", `/api/v1/statuses/${bobs.id}/reblog`)).json();
    const boosted = await alice.call("POST", `/api/v1/statuses/${boost.id}/pin`);
    assert.equal(boosted.status, 422);
    assert.match((await boosted.json()).error, /Boosts cannot be pinned/);

    const direct = await post(alice, "@bob psst", "direct");
    assert.equal((direct as { pinned?: boolean }).pinned, undefined, "a direct post has no pinned flag");
    assert.equal((await alice.call("POST", `/api/v1/statuses/${direct.id}/pin`)).status, 422);

    const five = [];
    for (let i = 0; i < 5; i++) five.push(await post(alice, `pin ${i}`));
    for (const s of five) assert.equal((await alice.call("POST", `/api/v1/statuses/${s.id}/pin`)).status, 200);
    const sixth = await post(alice, "one too many");
    const refused = await alice.call("POST", `/api/v1/statuses/${sixth.id}/pin`);
    assert.equal(refused.status, 422);
    assert.match((await refused.json()).error, /maximum number of posts/);

    // A deleted pinned post frees its place.
    await alice.call("DELETE", `/api/v1/statuses/${five[0].id}`);
    assert.equal((await alice.call("POST", `/api/v1/statuses/${sixth.id}/pin`)).status, 200);
  });

  it("shows a private pin only to those who may see the post", async () => {
    for (const s of (await (await alice.call("GET", `/api/v1/accounts/${alice.account.id}/statuses?pinned=true`)).json()) as Array<{ id: string }>) {
      await alice.call("POST", `/api/v1/statuses/${s.id}/unpin`);
    }
    const secret = await post(alice, "followers only", "private");
    assert.equal(secret.pinned, false);
    assert.equal((await alice.call("POST", `/api/v1/statuses/${secret.id}/pin`)).status, 200);
    const seenBy = async (user: TestUser) =>
      ((await (await user.call("GET", `/api/v1/accounts/${alice.account.id}/statuses?pinned=true`)).json()) as unknown[]).length;
    assert.equal(await seenBy(carol), 0);
    await carol.call("POST", `/api/v1/accounts/${alice.account.id}/follow`);
    assert.equal(await seenBy(carol), 1);
  });

  it("serves pinned public posts as Notes in the actor's featured collection", async () => {
    const shown = await post(alice, "featured on my profile");
    await alice.call("POST", `/api/v1/statuses/${shown.id}/pin`);
    const res = await fetch(new URL("/users/alice/collections/featured", server.url), { headers: { accept: AS_JSON } });
    assert.equal(res.status, 200);
    const collection = await res.json();
    assert.equal(collection.type, "OrderedCollection");
    assert.equal(collection.totalItems, 1, "the private pin is not featured to the fediverse");
    const items = [collection.orderedItems].flat();
    assert.equal(items.length, 1);
    assert.equal(items[0].type, "Note");
    assert.match(items[0].id, new RegExp(`/users/alice/statuses/${shown.id}$`));
    assert.match(items[0].content, /featured on my profile/);
  });

  it("mutes a thread: no more notifications from it, muted in its statuses, until unmuted", async (t) => {
    const root = await post(alice, "a thread that will get noisy");
    const muted = await alice.call("POST", `/api/v1/statuses/${root.id}/mute`);
    assert.equal(muted.status, 200);
    const json = await muted.json();
    assertMatchesEntity(json, "Status", t);
    assert.equal(json.muted, true);

    const before = (await (await alice.call("GET", "/api/v1/notifications")).json()).length;
    const reply = await (await bob.call("POST", "/api/v1/statuses", { status: "@alice loud reply", in_reply_to_id: root.id })).json();
    await bob.call("POST", `/api/v1/statuses/${root.id}/favourite`);
    await carol.call("POST", `/api/v1/statuses/${root.id}/reblog`);
    assert.equal((await (await alice.call("GET", "/api/v1/notifications")).json()).length, before, "nothing from the muted thread");

    const inThread = await (await alice.call("GET", `/api/v1/statuses/${reply.id}`)).json();
    assert.equal(inThread.muted, true, "every post of the thread shows as muted");
    assert.equal((await (await bob.call("GET", `/api/v1/statuses/${root.id}`)).json()).muted, false, "only for the one who muted it");

    const unmuted = await (await alice.call("POST", `/api/v1/statuses/${reply.id}/unmute`)).json();
    assert.equal(unmuted.muted, false, "unmuting from any post of the thread unmutes it");
    await carol.call("POST", `/api/v1/statuses/${root.id}/favourite`);
    const types = ((await (await alice.call("GET", "/api/v1/notifications")).json()) as Array<{ type: string }>).map((n) => n.type);
    assert.equal(types.length, before + 1);
    assert.equal(types[0], "favourite");
  });

  it("needs write:accounts to pin and write:mutes to mute; 404 for a post the caller cannot see", async () => {
    const s = await post(alice, "scopes");
    const readOnly = caller(server, await tokenFor(server, alice.account.id, "read"));
    assert.equal((await readOnly("POST", `/api/v1/statuses/${s.id}/pin`)).status, 403);
    assert.equal((await readOnly("POST", `/api/v1/statuses/${s.id}/mute`)).status, 403);
    const mutesOnly = caller(server, await tokenFor(server, alice.account.id, "write:mutes"));
    assert.equal((await mutesOnly("POST", `/api/v1/statuses/${s.id}/mute`)).status, 200);
    assert.equal((await caller(server, null)("POST", `/api/v1/statuses/${s.id}/pin`)).status, 401);
    const hidden = await post(alice, "@carol only you", "direct");
    assert.equal((await bob.call("POST", `/api/v1/statuses/${hidden.id}/mute`)).status, 404);
  });
});
