import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import generator from "megalodon";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntities, assertMatchesEntity } from "../helpers/openapi.ts";
import { links, makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

/** masto.js types lag behind Mastodon's list options; it sends them snake_cased all the same. */
const listParams = (p: { title: string; repliesPolicy?: string; exclusive?: boolean }) => p as { title: string };

describe(`lists (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;
  before(async () => {
    server = await startApiServer();
    [alice, bob, carol, dave] = await Promise.all(["alice", "bob", "carol", "dave"].map((n) => makeUser(server, n)));
    await alice.masto.v1.accounts.$select(bob.account.id).follow();
    await alice.masto.v1.accounts.$select(carol.account.id).follow();
  });
  after(async () => server?.close());

  it("creates, reads, renames and deletes a list", async (t) => {
    const list = await alice.masto.v1.lists.create(listParams({ title: "Friends", repliesPolicy: "followed", exclusive: true }));
    assert.equal(list.title, "Friends");
    assert.equal(list.repliesPolicy, "followed");
    assert.equal(list.exclusive, true);
    const raw = await (await alice.call("GET", `/api/v1/lists/${list.id}`)).json();
    assertMatchesEntity(raw, "List", t);

    const renamed = await alice.masto.v1.lists.$select(list.id).update({ title: "Close friends" });
    assert.equal(renamed.title, "Close friends");
    const megalodon = generator("mastodon", server.url, alice.token);
    const fromMegalodon = await megalodon.getLists();
    assert.deepEqual(fromMegalodon.data.map((l) => l.title), ["Close friends"]);

    assert.equal((await bob.call("GET", `/api/v1/lists/${list.id}`)).status, 404, "someone else's list does not exist for you");
    await alice.masto.v1.lists.$select(list.id).remove();
    assert.equal((await alice.call("GET", `/api/v1/lists/${list.id}`)).status, 404);
  });

  it("refuses a blank title and an unknown replies policy", async () => {
    assert.equal((await alice.call("POST", "/api/v1/lists", { title: " " })).status, 422);
    assert.equal((await alice.call("POST", "/api/v1/lists", { title: "x", replies_policy: "everyone" })).status, 422);
  });

  it("holds only accounts the owner follows, and loses them on unfollow", async (t) => {
    const list = await alice.masto.v1.lists.create({ title: "Members" });
    await alice.masto.v1.lists.$select(list.id).accounts.create({ accountIds: [bob.account.id, carol.account.id] });
    const members = await (await alice.call("GET", `/api/v1/lists/${list.id}/accounts`)).json();
    assertMatchesEntities(members, "Account", t);
    assert.deepEqual(new Set(members.map((a: { id: string }) => a.id)), new Set([bob.account.id, carol.account.id]));

    const notFollowed = await alice.call("POST", `/api/v1/lists/${list.id}/accounts`, { account_ids: [dave.account.id] });
    assert.equal(notFollowed.status, 422);
    const twice = await alice.call("POST", `/api/v1/lists/${list.id}/accounts`, { account_ids: [bob.account.id] });
    assert.equal(twice.status, 422);

    const bobsLists = await alice.masto.v1.accounts.$select(bob.account.id).lists.list();
    assert.deepEqual(bobsLists.map((l) => l.id), [list.id]);

    const page = await alice.call("GET", `/api/v1/lists/${list.id}/accounts?limit=1`);
    assert.equal((await page.json()).length, 1);
    assert.ok(links(page).next, "a full page links to the next one");

    await alice.masto.v1.accounts.$select(carol.account.id).unfollow();
    const after = await alice.masto.v1.lists.$select(list.id).accounts.list();
    assert.deepEqual(after.map((a) => a.id), [bob.account.id]);
    await alice.masto.v1.accounts.$select(carol.account.id).follow();

    await alice.masto.v1.lists.$select(list.id).accounts.remove({ accountIds: [bob.account.id] });
    assert.deepEqual(await alice.masto.v1.lists.$select(list.id).accounts.list(), []);
  });

  it("shows its members' posts in the list timeline, replies by the list's policy", async (t) => {
    const list = await alice.masto.v1.lists.create(listParams({ title: "Bob only", repliesPolicy: "list" }));
    await alice.masto.v1.lists.$select(list.id).accounts.create({ accountIds: [bob.account.id] });
    const carolsPost = await carol.masto.v1.statuses.create({ status: "carol speaks" });
    const hello = await bob.masto.v1.statuses.create({ status: "hello list" });
    const secret = await bob.masto.v1.statuses.create({ status: "followers only", visibility: "private" });
    const toCarol = await bob.masto.v1.statuses.create({ status: "@carol a reply", inReplyToId: carolsPost.id });
    const toDave = await bob.masto.v1.statuses.create({ status: "@dave hi", inReplyToId: (await dave.masto.v1.statuses.create({ status: "dave" })).id });

    const res = await alice.call("GET", `/api/v1/timelines/list/${list.id}`);
    const json = await res.json();
    assertMatchesEntities(json, "Status", t);
    assert.deepEqual(json.map((s: { id: string }) => s.id), [secret.id, hello.id], "replies to non-members stay out");

    // "followed": replies to anyone Alice follows come in (Carol), others (Dave) do not.
    await alice.masto.v1.lists.$select(list.id).update(listParams({ title: "Bob only", repliesPolicy: "followed" }));
    const followed = await alice.masto.v1.timelines.list.$select(list.id).list();
    assert.deepEqual(followed.map((s) => s.id), [toCarol.id, secret.id, hello.id]);
    assert.ok(!followed.some((s) => s.id === toDave.id));

    const first = await alice.call("GET", `/api/v1/timelines/list/${list.id}?limit=2`);
    assert.equal((await first.json()).length, 2);
    const next = links(first).next!;
    const rest = await (await fetch(next, { headers: { authorization: `Bearer ${alice.token}` } })).json();
    assert.deepEqual(rest.map((s: { id: string }) => s.id), [hello.id]);

    assert.equal((await bob.call("GET", `/api/v1/timelines/list/${list.id}`)).status, 404);
  });

  it("needs a token (401) with the lists scope (403)", async () => {
    assert.equal((await fetch(`${server.url}/api/v1/lists`)).status, 401);
    const statusesOnly = await tokenFor(server, alice.account.id, "read:statuses");
    const res = await fetch(`${server.url}/api/v1/lists`, { headers: { authorization: `Bearer ${statusesOnly}` } });
    assert.equal(res.status, 403);
  });
});
