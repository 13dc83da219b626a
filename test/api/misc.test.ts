import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import generator from "megalodon";
import { createAnnouncement } from "../../src/domain/announcements.ts";
import { testDialect } from "../helpers/db.ts";
import { makeAccount, relate } from "../helpers/factories.ts";
import { assertMatchesEntities, assertMatchesEntity } from "../helpers/openapi.ts";
import { links, makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

type Json = Record<string, any>;

describe(`account settings endpoints (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  before(async () => {
    server = await startApiServer();
    [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map((n) => makeUser(server, n)));
  });
  after(async () => server?.close());

  it("blocks a whole server: listed, follows with it ended, shown in the relationship", async (t) => {
    const far = await makeAccount(server.ctx.db, { domain: "spam.example", username: "spammer" });
    const asRow = (u: TestUser) => u.account as never;
    await relate(server.ctx.db, "follows", far, asRow(alice));
    await relate(server.ctx.db, "follows", asRow(alice), far);

    const megalodon = generator("mastodon", server.url, alice.token);
    await megalodon.blockDomain("Spam.Example");
    await alice.call("POST", "/api/v1/domain_blocks", { domain: "https://other.example/about" });
    const res = await alice.call("GET", "/api/v1/domain_blocks");
    assert.deepEqual((await res.json()).sort(), ["other.example", "spam.example"]);
    const viaMegalodon = await megalodon.getDomainBlocks();
    assert.equal(viaMegalodon.data.length, 2);

    const follows = await server.ctx.db
      .selectFrom("follows")
      .select("id")
      .where((eb) => eb.or([eb("account_id", "=", far.id), eb("target_account_id", "=", far.id)]))
      .execute();
    assert.equal(follows.length, 0, "both directions of follow with that server are gone");

    const rel = await (await alice.call("POST", `/api/v1/accounts/${far.id}/note`, { comment: "spam source" })).json();
    assertMatchesEntity(rel, "Relationship", t);
    assert.equal(rel.domain_blocking, true);
    assert.equal(rel.note, "spam source");

    assert.equal((await alice.call("POST", "/api/v1/domain_blocks", { domain: "not a domain" })).status, 422);
    await alice.call("DELETE", "/api/v1/domain_blocks", { domain: "spam.example" });
    assert.deepEqual(await (await alice.call("GET", "/api/v1/domain_blocks")).json(), ["other.example"]);
    const page = await alice.call("GET", "/api/v1/domain_blocks?limit=1");
    assert.ok(links(page).next);
  });

  it("endorses only followed accounts and lists them, on the profile too", async (t) => {
    const refused = await alice.call("POST", `/api/v1/accounts/${bob.account.id}/pin`);
    assert.equal(refused.status, 422);
    await alice.masto.v1.accounts.$select(bob.account.id).follow();
    const rel = await (await alice.call("POST", `/api/v1/accounts/${bob.account.id}/pin`)).json();
    assert.equal(rel.endorsed, true);
    const mine = await (await alice.call("GET", "/api/v1/endorsements")).json();
    assertMatchesEntities(mine, "Account", t);
    assert.deepEqual(mine.map((a: Json) => a.id), [bob.account.id]);
    const publicList = await (await fetch(`${server.url}/api/v1/accounts/${alice.account.id}/endorsements`)).json();
    assert.deepEqual(publicList.map((a: Json) => a.id), [bob.account.id]);
    const unpinned = await (await alice.call("POST", `/api/v1/accounts/${bob.account.id}/unendorse`)).json();
    assert.equal(unpinned.endorsed, false);
    assert.deepEqual(await (await alice.call("GET", "/api/v1/endorsements")).json(), []);
  });

  it("keeps a private note and clears it when emptied", async () => {
    const note = await alice.masto.v1.accounts.$select(carol.account.id).note.create({ comment: "met at the meetup" });
    assert.equal(note.note, "met at the meetup");
    const cleared = await alice.masto.v1.accounts.$select(carol.account.id).note.create({ comment: "" });
    assert.equal(cleared.note, "");
  });

  it("GET relationships shows the viewer's note, endorsement and domain block", async (t) => {
    const dave = await makeUser(server, "dave");
    await alice.masto.v1.accounts.$select(dave.account.id).follow();
    await alice.call("POST", `/api/v1/accounts/${dave.account.id}/endorse`);
    await alice.call("POST", `/api/v1/accounts/${dave.account.id}/note`, { comment: "neighbour" });
    await alice.call("POST", "/api/v1/domain_blocks", { domain: "walled.example" });
    const walled = await makeAccount(server.ctx.db, { domain: "Walled.Example", username: "someone" });

    const res = await alice.call("GET", `/api/v1/accounts/relationships?id[]=${dave.account.id}&id[]=${walled.id}`);
    const [d, w] = (await res.json()) as Json[];
    assertMatchesEntity(d, "Relationship", t);
    assert.equal(d.following, true);
    assert.equal(d.endorsed, true);
    assert.equal(d.note, "neighbour");
    assert.equal(d.domain_blocking, false);
    assert.equal(w.domain_blocking, true, "the account's server is blocked, whatever the case of its domain");
    assert.equal(w.endorsed, false);
    assert.equal(w.note, "");
  });

  it("searches accounts, optionally only among those followed, and finds familiar followers", async (t) => {
    const found = await alice.masto.v1.accounts.search.list({ q: "car" });
    assert.ok(found.some((a) => a.id === carol.account.id));
    const followingOnly = await (await alice.call("GET", "/api/v1/accounts/search?q=car&following=true")).json();
    assert.deepEqual(followingOnly, []);

    // Alice follows Bob; Bob follows Carol: Bob is a familiar follower of Carol for Alice.
    await bob.masto.v1.accounts.$select(carol.account.id).follow();
    const res = await alice.call("GET", `/api/v1/accounts/familiar_followers?id[]=${carol.account.id}&id[]=${bob.account.id}`);
    const json = await res.json();
    assertMatchesEntities(json, "FamiliarFollowers", t);
    assert.deepEqual(json.map((f: Json) => [f.id, f.accounts.map((a: Json) => a.id)]), [
      [carol.account.id, [bob.account.id]],
      [bob.account.id, []],
    ]);
    assert.equal((await fetch(`${server.url}/api/v1/accounts/search?q=a`)).status, 401);
  });

  it("lists discoverable accounts in the directory", async (t) => {
    await carol.masto.v1.accounts.updateCredentials({ discoverable: false });
    const dir = await (await fetch(`${server.url}/api/v1/directory?local=true&order=new`)).json();
    assertMatchesEntities(dir, "Account", t);
    const ids = dir.map((a: Json) => a.id);
    assert.ok(ids.includes(alice.account.id));
    assert.ok(!ids.includes(carol.account.id), "an account that opted out is not listed");
  });

  it("groups direct messages into conversations, unread until read, removable", async (t) => {
    const first = await bob.masto.v1.statuses.create({ status: "@alice psst", visibility: "direct" });
    const reply = await alice.masto.v1.statuses.create({ status: "@bob what?", visibility: "direct", inReplyToId: first.id });
    let convs = await (await alice.call("GET", "/api/v1/conversations")).json();
    assertMatchesEntities(convs, "Conversation", t);
    assert.equal(convs.length, 1);
    assert.equal(convs[0].last_status.id, reply.id);
    assert.equal(convs[0].unread, false, "the last word was Alice's own");
    assert.deepEqual(convs[0].accounts.map((a: Json) => a.id), [bob.account.id]);

    const answer = await bob.masto.v1.statuses.create({ status: "@alice secret stuff", visibility: "direct", inReplyToId: reply.id });
    convs = await (await alice.call("GET", "/api/v1/conversations")).json();
    assert.equal(convs[0].last_status.id, answer.id);
    assert.equal(convs[0].unread, true);
    const read = await alice.masto.v1.conversations.$select(convs[0].id).read();
    assert.equal(read.unread, false);

    await alice.masto.v1.conversations.$select(convs[0].id).remove();
    assert.deepEqual(await (await alice.call("GET", "/api/v1/conversations")).json(), []);
    await bob.masto.v1.statuses.create({ status: "@alice come back", visibility: "direct", inReplyToId: answer.id });
    assert.equal((await (await alice.call("GET", "/api/v1/conversations")).json()).length, 1, "a new message brings it back");
    assert.deepEqual(await (await carol.call("GET", "/api/v1/conversations")).json(), [], "outsiders see nothing");
  });

  it("shows announcements ([] when none) and lets a user dismiss one", async (t) => {
    assert.deepEqual(await (await alice.call("GET", "/api/v1/announcements")).json(), []);
    const a = await createAnnouncement(server.ctx, { text: "Maintenance on Sunday #weft" });
    const list = await (await alice.call("GET", "/api/v1/announcements")).json();
    assertMatchesEntities(list, "Announcement", t);
    assert.equal(list[0].id, a.id);
    assert.equal(list[0].read, false);
    assert.match(list[0].content, /^<p>Maintenance on Sunday/);
    assert.equal((await alice.call("POST", `/api/v1/announcements/${a.id}/dismiss`)).status, 200);
    assert.deepEqual(await (await alice.call("GET", "/api/v1/announcements")).json(), []);
    const all = await (await alice.call("GET", "/api/v1/announcements?with_dismissed=true")).json();
    assert.equal(all[0].read, true);
    assert.equal((await alice.call("POST", "/api/v1/announcements/123/dismiss")).status, 404);
  });

  it("answers start-up calls for features Weft lacks the way Mastodon without them does", async () => {
    const pusher = await tokenFor(server, alice.account.id, "read write push");
    const withPush = (method: string, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${pusher}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const push = await withPush("GET", "/api/v1/push/subscription");
    assert.equal(push.status, 404);
    assert.deepEqual(await push.json(), { error: "Record not found" });
    assert.equal((await withPush("DELETE", "/api/v1/push/subscription")).status, 200);
    assert.equal((await withPush("POST", "/api/v1/push/subscription", { subscription: { endpoint: "https://push.example/x" } })).status, 422);
    assert.deepEqual(await (await alice.call("GET", "/api/v1/scheduled_statuses")).json(), []);
    assert.equal((await alice.call("GET", "/api/v1/scheduled_statuses/1")).status, 404);
    const noPush = await tokenFor(server, alice.account.id, "read");
    const res = await fetch(`${server.url}/api/v1/push/subscription`, { headers: { authorization: `Bearer ${noPush}` } });
    assert.equal(res.status, 403, "push needs the push scope");
  });
});
