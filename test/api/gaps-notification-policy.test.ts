import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntities, assertMatchesEntity } from "../helpers/openapi.ts";
import { caller, makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

describe(`notification policy and requests (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  let users: Record<string, TestUser>;
  let post: string;
  before(async () => {
    server = await startApiServer();
    alice = await makeUser(server, "alice");
    users = {};
    for (const name of ["bob", "carol", "dave", "erin", "frank", "gina", "hal"]) users[name] = await makeUser(server, name);
    post = (await (await alice.call("POST", "/api/v1/statuses", { status: "a post to react to" })).json()).id;
  });
  after(async () => server?.close());

  const policy = async (body?: object, version = "v2") =>
    (await (await alice.call(body ? "PATCH" : "GET", `/api/${version}/notifications/policy`, body)).json()) as Record<string, any>;
  const listed = async (query = "") =>
    ((await (await alice.call("GET", `/api/v1/notifications${query}`)).json()) as Array<{ type: string; account: { id: string } }>).map(
      (n) => `${n.type}:${n.account.id}`,
    );
  const requests = async () => (await (await alice.call("GET", "/api/v1/notifications/requests")).json()) as Array<Record<string, any>>;

  it("accepts everything by default, in both shapes of the policy, with no requests", async (t) => {
    const v2 = await policy();
    assertMatchesEntity(v2, "NotificationPolicy", t);
    assert.deepEqual(
      [v2.for_not_following, v2.for_not_followers, v2.for_new_accounts, v2.for_private_mentions, v2.for_limited_accounts],
      ["accept", "accept", "accept", "accept", "accept"],
    );
    assert.deepEqual(v2.summary, { pending_requests_count: 0, pending_notifications_count: 0 });
    const v1 = await policy(undefined, "v1");
    assertMatchesEntity(v1, "V1NotificationPolicy", t);
    assert.equal(v1.filter_not_following, false);
    assert.deepEqual(await requests(), []);
    assert.deepEqual(await (await alice.call("GET", "/api/v1/notifications/requests/merged")).json(), { merged: true });
  });

  it("holds back notifications from people the user does not follow as a request per sender", async (t) => {
    const changed = await policy({ for_not_following: "filter" });
    assert.equal(changed.for_not_following, "filter");
    assert.equal(changed.for_not_followers, "accept", "the rest is untouched");
    await alice.call("POST", `/api/v1/accounts/${users.carol.account.id}/follow`);

    await users.bob.call("POST", `/api/v1/statuses/${post}/favourite`);
    await users.bob.call("POST", `/api/v1/statuses/${post}/reblog`);
    await users.carol.call("POST", `/api/v1/statuses/${post}/favourite`);

    assert.deepEqual(await listed(), [`favourite:${users.carol.account.id}`], "only the followed account gets through");
    const grouped = await (await alice.call("GET", "/api/v2/notifications")).json();
    assert.deepEqual(grouped.notification_groups.map((g: { sample_account_ids: string[] }) => g.sample_account_ids), [[users.carol.account.id]]);
    assert.equal((await (await alice.call("GET", "/api/v1/notifications/unread_count")).json()).count, 1);
    assert.equal((await listed("?include_filtered=true")).length, 3);
    assert.equal((await listed(`?account_id=${users.bob.account.id}`)).length, 2, "asking for one sender shows what was filtered");

    const list = await requests();
    assertMatchesEntities(list, "NotificationRequest", t);
    assert.equal(list.length, 1);
    assert.equal(list[0].account.id, users.bob.account.id);
    assert.equal(list[0].notifications_count, "2");
    assert.equal(list[0].last_status.id, post);
    const one = await alice.call("GET", `/api/v1/notifications/requests/${list[0].id}`);
    assertMatchesEntity(await one.json(), "NotificationRequest", t);
    assert.deepEqual((await policy()).summary, { pending_requests_count: 1, pending_notifications_count: 2 });
  });

  it("accepting a request moves its notifications into the list and lets the sender through from then on", async () => {
    const [request] = await requests();
    const res = await alice.call("POST", `/api/v1/notifications/requests/${request.id}/accept`);
    assert.equal(res.status, 200);
    assert.deepEqual(await requests(), []);
    const bob = users.bob.account.id;
    assert.deepEqual((await listed()).filter((n) => n.endsWith(bob)).sort(), [`favourite:${bob}`, `reblog:${bob}`]);
    await users.bob.call("POST", `/api/v1/accounts/${alice.account.id}/follow`);
    assert.equal((await listed())[0], `follow:${bob}`, "accepted senders are never filtered again");
    assert.equal((await alice.call("POST", `/api/v1/notifications/requests/${request.id}/accept`)).status, 404, "already settled");
  });

  it("dismissing a request deletes what it held; many requests can be settled at once", async () => {
    for (const name of ["dave", "erin", "frank"]) await users[name].call("POST", "/api/v1/statuses", { status: "@alice hi there" });
    const list = await requests();
    assert.deepEqual(list.map((r) => r.account.id), ["frank", "erin", "dave"].map((n) => users[n].account.id), "newest first");
    assert.equal((await alice.call("POST", `/api/v1/notifications/requests/${list[0].id}/dismiss`)).status, 200);
    assert.equal((await listed(`?account_id=${users.frank.account.id}`)).length, 0, "frank's mention is gone");
    const bulk = await alice.call("POST", "/api/v1/notifications/requests/accept", { id: [list[1].id, list[2].id] });
    assert.equal(bulk.status, 200);
    assert.deepEqual(await requests(), []);
    assert.ok((await listed()).includes(`mention:${users.dave.account.id}`));
    await policy({ for_not_following: "accept" });
  });

  it("filters unsolicited private mentions but not a reply to the user's own private mention", async () => {
    await policy({ for_private_mentions: "filter" });
    const mine = (await (await alice.call("POST", "/api/v1/statuses", { status: "@gina psst", visibility: "direct" })).json()).id;
    await users.gina.call("POST", "/api/v1/statuses", { status: "@alice psst back", visibility: "direct", in_reply_to_id: mine });
    await users.hal.call("POST", "/api/v1/statuses", { status: "@alice out of nowhere", visibility: "direct" });
    await users.hal.call("POST", "/api/v1/statuses", { status: "@alice in public" });
    const types = await listed("?types[]=mention");
    assert.ok(types.includes(`mention:${users.gina.account.id}`), "the answer to alice's own message arrives");
    assert.equal(types.filter((n) => n === `mention:${users.hal.account.id}`).length, 1, "hal's public mention arrives, his direct one waits");
    assert.deepEqual((await requests()).map((r) => r.account.id), [users.hal.account.id]);
    await alice.call("POST", "/api/v1/notifications/requests/dismiss", { id: (await requests()).map((r) => r.id) });
  });

  it("drops notifications outright with drop, and reads the v1 booleans", async () => {
    const v1 = await policy({ filter_new_accounts: true }, "v1");
    assert.equal(v1.filter_new_accounts, true);
    assert.equal((await policy()).for_new_accounts, "filter");
    await policy({ for_new_accounts: "drop" });
    const before = (await listed("?include_filtered=true")).length;
    await users.gina.call("POST", `/api/v1/statuses/${post}/favourite`);
    assert.equal((await listed("?include_filtered=true")).length, before, "every account here is new, so gina's favourite is not recorded");
    await users.erin.call("POST", `/api/v1/statuses/${post}/favourite`);
    assert.equal((await listed())[0], `favourite:${users.erin.account.id}`, "erin, whose request was accepted, still gets through");
    assert.deepEqual(await requests(), []);
    assert.equal((await alice.call("PATCH", "/api/v2/notifications/policy", { for_new_accounts: "maybe" })).status, 422);
    await policy({ for_new_accounts: "accept", for_private_mentions: "accept" });
  });

  it("needs read:notifications to read and write:notifications to change", async () => {
    const readOnly = caller(server, await tokenFor(server, alice.account.id, "read"));
    const writeOnly = caller(server, await tokenFor(server, alice.account.id, "write"));
    for (const path of ["/api/v2/notifications/policy", "/api/v1/notifications/policy", "/api/v1/notifications/requests"]) {
      assert.equal((await writeOnly("GET", path)).status, 403, path);
      assert.equal((await caller(server, null)("GET", path)).status, 401, path);
    }
    assert.equal((await readOnly("PATCH", "/api/v2/notifications/policy", { for_not_following: "filter" })).status, 403);
    assert.equal((await readOnly("POST", "/api/v1/notifications/requests/accept", { id: ["1"] })).status, 403);
  });
});
