import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntities, assertMatchesEntity } from "../helpers/openapi.ts";
import { caller, makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

describe(`notifications and markers (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    server = await startApiServer();
    alice = await makeUser(server, "alice");
    bob = await makeUser(server, "bob");
  });
  after(async () => server?.close());

  const types = async (user: TestUser, query = "") =>
    ((await (await user.call("GET", `/api/v1/notifications${query}`)).json()) as Array<{ type: string }>).map((n) => n.type);

  it("lists follows, mentions, favourites and boosts, newest first, filtered by type and sender", async (t) => {
    await bob.masto.v1.accounts.$select(alice.account.id).follow();
    const s = await alice.masto.v1.statuses.create({ status: "notice me" });
    await bob.masto.v1.statuses.create({ status: "@alice hello there" });
    await bob.masto.v1.statuses.$select(s.id).favourite();
    await bob.masto.v1.statuses.$select(s.id).reblog();

    const list = await alice.masto.v1.notifications.list();
    assert.deepEqual(list.map((n) => n.type), ["reblog", "favourite", "mention", "follow"]);
    assert.ok(list.every((n) => n.account.id === bob.account.id));
    assert.equal(list[1].status?.id, s.id);
    const raw = await (await alice.call("GET", "/api/v1/notifications")).json();
    assertMatchesEntities(raw, "Notification", t);

    assert.deepEqual(await types(alice, "?types[]=mention&types[]=follow"), ["mention", "follow"]);
    assert.deepEqual(await types(alice, "?exclude_types[]=favourite&exclude_types[]=reblog"), ["mention", "follow"]);
    assert.deepEqual(await types(alice, `?account_id=${alice.account.id}`), []);
    assert.equal((await types(alice, `?account_id=${bob.account.id}`)).length, 4);
    assert.deepEqual(await types(alice, "?limit=1"), ["reblog"]);
    assert.deepEqual(await types(bob), [], "bob hears nothing of his own actions");

    const one = await alice.call("GET", `/api/v1/notifications/${list[2].id}`);
    assert.equal(one.status, 200);
    assertMatchesEntity(await one.json(), "Notification", t);
    assert.equal((await bob.call("GET", `/api/v1/notifications/${list[2].id}`)).status, 404, "someone else's notification");
  });

  it("counts unread notifications from the notifications marker", async (t) => {
    const list = await alice.masto.v1.notifications.list();
    const count = async () => (await (await alice.call("GET", "/api/v1/notifications/unread_count")).json()).count;
    assert.equal(await count(), list.length);
    const saved = await alice.call("POST", "/api/v1/markers", { notifications: { last_read_id: list[1].id } });
    assert.equal(saved.status, 200);
    const marker = await saved.json();
    assertMatchesEntity(marker.notifications, "Marker", t);
    assert.equal(marker.notifications.last_read_id, list[1].id);
    assert.equal(await count(), 1);
    const limited = await (await alice.call("GET", "/api/v1/notifications/unread_count?limit=0")).json();
    assert.equal(limited.count, 1);

    await alice.masto.v1.markers.create({ notifications: { lastReadId: list[0].id }, home: { lastReadId: "1" } });
    assert.equal(await count(), 0);
    const both = await alice.masto.v1.markers.fetch({ timeline: ["home", "notifications"] });
    assert.equal(both.notifications?.lastReadId, list[0].id);
    assert.equal(both.notifications?.version, 1, "the second save bumps the version");
    assert.equal(both.home?.lastReadId, "000000000000000001");
    const none = await (await alice.call("GET", "/api/v1/markers")).json();
    assert.deepEqual(none, {}, "no timeline asked, no markers");
  });

  it("dismisses one notification, then clears the rest", async () => {
    const before = await alice.masto.v1.notifications.list();
    await alice.masto.v1.notifications.$select(before[0].id).dismiss();
    const after = await alice.masto.v1.notifications.list();
    assert.deepEqual(after.map((n) => n.id), before.slice(1).map((n) => n.id));
    assert.equal((await bob.call("POST", `/api/v1/notifications/${before[1].id}/dismiss`)).status, 404);
    await alice.masto.v1.notifications.clear();
    assert.deepEqual(await alice.masto.v1.notifications.list(), []);
  });

  it("needs read:notifications to read and write:notifications to dismiss", async () => {
    const anon = caller(server, null);
    const readOnly = caller(server, await tokenFor(server, alice.account.id, "read"));
    const writeOnly = caller(server, await tokenFor(server, alice.account.id, "write"));
    for (const path of ["/api/v1/notifications", "/api/v1/notifications/unread_count", "/api/v1/notifications/1", "/api/v1/markers"]) {
      assert.equal((await anon("GET", path)).status, 401, path);
      assert.equal((await writeOnly("GET", path)).status, 403, path);
    }
    for (const path of ["/api/v1/notifications/clear", "/api/v1/notifications/1/dismiss", "/api/v1/markers"]) {
      assert.equal((await anon("POST", path, {})).status, 401, path);
      assert.equal((await readOnly("POST", path, {})).status, 403, path);
    }
  });
});
