import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { newId, nowIso } from "../../src/domain/ids.ts";
import { groupKeyFor } from "../../src/domain/notification-groups.ts";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntities, assertMatchesEntity } from "../helpers/openapi.ts";
import { caller, links, makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

interface Group {
  group_key: string;
  type: string;
  notifications_count: number;
  most_recent_notification_id: string;
  sample_account_ids: string[];
  status_id?: string | null;
  page_min_id?: string;
  page_max_id?: string;
  latest_page_notification_at?: string;
}
interface Results {
  accounts: Array<{ id: string }>;
  partial_accounts?: Array<{ id: string; avatar: string }>;
  statuses: Array<{ id: string }>;
  notification_groups: Group[];
}

describe(`grouped notifications (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;
  let s1: string;
  let s2: string;
  let mention: string;
  before(async () => {
    server = await startApiServer();
    [alice, bob, carol, dave] = await Promise.all(["alice", "bob", "carol", "dave"].map((u) => makeUser(server, u)));
    const post = async (u: TestUser, status: string) => (await (await u.call("POST", "/api/v1/statuses", { status })).json()).id as string;
    s1 = await post(alice, "first post");
    s2 = await post(alice, "second post");
    for (const u of [bob, carol, dave]) await u.call("POST", `/api/v1/statuses/${s1}/favourite`);
    for (const u of [bob, carol]) await u.call("POST", `/api/v1/statuses/${s1}/reblog`);
    await carol.call("POST", `/api/v1/statuses/${s2}/favourite`);
    mention = await post(bob, "@alice hello");
    for (const u of [bob, carol]) await u.call("POST", `/api/v1/accounts/${alice.account.id}/follow`);
  });
  after(async () => server?.close());

  const grouped = async (user: TestUser, query = "") => {
    const res = await user.call("GET", `/api/v2/notifications${query}`);
    assert.equal(res.status, 200, query);
    return { res, json: (await res.json()) as Results };
  };

  it("groups favourites and boosts of one post and follows, newest first, each account and status once", async (t) => {
    const { json } = await grouped(alice);
    assertMatchesEntity(json, "GroupedNotificationsResults", t);
    const summary = json.notification_groups.map((g) => [g.type, g.notifications_count, g.status_id ?? null]);
    assert.deepEqual(summary, [
      ["follow", 2, null],
      ["mention", 1, mention],
      ["favourite", 1, s2],
      ["reblog", 2, s1],
      ["favourite", 3, s1],
    ]);
    const favs = json.notification_groups[4];
    assert.deepEqual(favs.sample_account_ids, [dave, carol, bob].map((u) => u.account.id), "newest sender first");
    assert.match(favs.group_key, new RegExp(`^favourite-${s1}-\\d+$`));
    assert.match(json.notification_groups[1].group_key, /^ungrouped-\d+$/);
    assert.ok(favs.page_min_id && favs.page_max_id && favs.latest_page_notification_at, "page data while paging");
    assert.ok(favs.page_min_id! < favs.page_max_id!);
    assert.equal(favs.most_recent_notification_id, favs.page_max_id);
    assert.deepEqual(json.accounts.map((a) => a.id).sort(), [bob, carol, dave].map((u) => u.account.id).sort());
    assert.deepEqual(json.statuses.map((s) => s.id), [mention, s2, s1]);
    assert.equal(json.partial_accounts, undefined);
  });

  it("gives v1 notifications the same group keys", async () => {
    const v1 = (await (await alice.call("GET", "/api/v1/notifications?types[]=favourite")).json()) as Array<{ group_key: string; status: { id: string } }>;
    const keys = new Set(v1.filter((n) => n.status.id === s1).map((n) => n.group_key));
    assert.equal(keys.size, 1, "one key for the three favourites of one post");
    const { json } = await grouped(alice, "?types[]=favourite");
    assert.ok(json.notification_groups.some((g) => keys.has(g.group_key)));
  });

  it("groups only the types asked in grouped_types[], and filters with types[] and exclude_types[]", async () => {
    const onlyFavs = (await grouped(alice, "?grouped_types[]=favourite")).json.notification_groups;
    assert.deepEqual(onlyFavs.map((g) => [g.type, g.notifications_count]), [
      ["follow", 1], ["follow", 1], ["mention", 1], ["favourite", 1], ["reblog", 1], ["reblog", 1], ["favourite", 3],
    ]);
    assert.ok(onlyFavs.filter((g) => g.type !== "favourite").every((g) => g.group_key.startsWith("ungrouped-")));
    const favsOnly = (await grouped(alice, "?types[]=favourite")).json;
    assert.deepEqual(favsOnly.notification_groups.map((g) => g.notifications_count), [1, 3]);
    assert.deepEqual(favsOnly.statuses.map((s) => s.id), [s2, s1]);
    const noFollows = (await grouped(alice, "?exclude_types[]=follow&exclude_types[]=mention")).json;
    assert.deepEqual(noFollows.notification_groups.map((g) => g.type), ["favourite", "reblog", "favourite"]);
    const fromDave = (await grouped(alice, `?account_id=${dave.account.id}`)).json;
    assert.deepEqual(fromDave.notification_groups.map((g) => [g.type, g.sample_account_ids[0]]), [["favourite", dave.account.id]]);
  });

  it("pages by group: limit counts groups, and the Link header walks on by notification id", async () => {
    const first = await grouped(alice, "?limit=2");
    assert.deepEqual(first.json.notification_groups.map((g) => g.type), ["follow", "mention"]);
    const next = links(first.res).next;
    assert.ok(next, "a full page links to the next one");
    const second = await alice.call("GET", new URL(next!).pathname + new URL(next!).search);
    const page2 = (await second.json()) as Results;
    assert.deepEqual(page2.notification_groups.map((g) => [g.type, g.notifications_count]), [["favourite", 1], ["reblog", 2]]);
    const third = (await (await alice.call("GET", new URL(links(second).next!).pathname + new URL(links(second).next!).search)).json()) as Results;
    // As on Mastodon, the older boost of a group already shown comes again under the same key
    // (counted up to this page), for the client to merge.
    assert.deepEqual(third.notification_groups.map((g) => [g.type, g.notifications_count]), [["reblog", 1], ["favourite", 3]]);
    assert.equal(third.notification_groups[0].group_key, page2.notification_groups[1].group_key);

    // Paging up from below: min_id gives the groups just after it, newest first.
    const all = (await grouped(alice)).json.notification_groups;
    const up = (await grouped(alice, `?min_id=${all[2].page_max_id}&limit=1`)).json.notification_groups;
    assert.deepEqual(up.map((g) => g.type), ["mention"]);
  });

  it("sends the other sample accounts as avatars only with expand_accounts=partial_avatars", async (t) => {
    const { json } = await grouped(alice, "?expand_accounts=partial_avatars&types[]=favourite");
    assertMatchesEntity(json, "GroupedNotificationsResults", t);
    assert.deepEqual(json.accounts.map((a) => a.id).sort(), [carol, dave].map((u) => u.account.id).sort(), "the first of each group in full");
    assert.deepEqual(json.partial_accounts!.map((a) => a.id), [bob.account.id]);
    assertMatchesEntities(json.partial_accounts, "PartialAccountWithAvatar", t);
    const bad = await alice.call("GET", "/api/v2/notifications?expand_accounts=everything");
    assert.equal(bad.status, 400);
  });

  it("shows one group by key with its whole count, lists its accounts, and 404s a key it does not know", async (t) => {
    const favs = (await grouped(alice, "?types[]=favourite")).json.notification_groups[1];
    const res = await alice.call("GET", `/api/v2/notifications/${favs.group_key}`);
    assert.equal(res.status, 200);
    const one = (await res.json()) as Results;
    assertMatchesEntity(one, "GroupedNotificationsResults", t);
    assert.equal(one.notification_groups.length, 1);
    assert.equal(one.notification_groups[0].notifications_count, 3);
    assert.equal(one.notification_groups[0].page_min_id, undefined, "no page data outside a listing");
    assert.deepEqual(one.statuses.map((s) => s.id), [s1]);

    const accounts = await alice.call("GET", `/api/v2/notifications/${favs.group_key}/accounts`);
    const list = await accounts.json();
    assertMatchesEntities(list, "Account", t);
    assert.deepEqual(list.map((a: { id: string }) => a.id), [dave, carol, bob].map((u) => u.account.id));
    const paged = await alice.call("GET", `/api/v2/notifications/${favs.group_key}/accounts?limit=2`);
    assert.equal((await paged.json()).length, 2);
    assert.ok(links(paged).next);

    assert.equal((await alice.call("GET", "/api/v2/notifications/favourite-1-1")).status, 404);
    assert.equal((await bob.call("GET", `/api/v2/notifications/${favs.group_key}`)).status, 404, "someone else's group");
    const mentionGroup = (await grouped(alice, "?types[]=mention")).json.notification_groups[0];
    assert.equal((await alice.call("GET", `/api/v2/notifications/${mentionGroup.group_key}`)).status, 200, "ungrouped keys work too");
  });

  it("counts unread groups after the notifications marker", async () => {
    const count = async (q = "") => (await (await alice.call("GET", `/api/v2/notifications/unread_count${q}`)).json()).count;
    assert.equal(await count(), 5);
    assert.equal(await count("?grouped_types[]=favourite"), 7);
    assert.equal(await count("?limit=2"), 2);
    const mentionGroup = (await grouped(alice, "?types[]=mention")).json.notification_groups[0];
    await alice.call("POST", "/api/v1/markers", { notifications: { last_read_id: mentionGroup.most_recent_notification_id } });
    assert.equal(await count(), 1, "only the follows came after the mention");
  });

  it("dismisses a whole group", async () => {
    const favs = (await grouped(alice, "?types[]=favourite")).json.notification_groups[1];
    const res = await alice.call("POST", `/api/v2/notifications/${favs.group_key}/dismiss`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
    const left = (await grouped(alice, "?types[]=favourite")).json.notification_groups;
    assert.deepEqual(left.map((g) => g.status_id), [s2]);
    const v1 = (await (await alice.call("GET", "/api/v1/notifications?types[]=favourite")).json()) as unknown[];
    assert.equal(v1.length, 1, "its notifications are gone from v1 too");
  });

  it("starts a new group 12 hours after a group began, as Mastodon does", async () => {
    const hour = 500_000;
    await server.ctx.db
      .insertInto("notifications")
      .values({
        id: newId(), account_id: alice.account.id, from_account_id: bob.account.id, type: "favourite", status_id: s2,
        dedupe_key: `test:${newId()}`, created_at: nowIso(), group_key: `favourite-${s2}-${hour}`, report_id: null,
      })
      .execute();
    const at = (h: number) => h * 3_600_000 + 60_000;
    const n = { accountId: alice.account.id, type: "favourite", statusId: s2 };
    assert.equal(await groupKeyFor(server.ctx.db, n, at(hour + 11)), `favourite-${s2}-${hour}`);
    assert.equal(await groupKeyFor(server.ctx.db, n, at(hour + 12)), `favourite-${s2}-${hour + 12}`);
    assert.equal(await groupKeyFor(server.ctx.db, { ...n, type: "mention" }, at(hour)), null);
    assert.equal(await groupKeyFor(server.ctx.db, { accountId: alice.account.id, type: "follow" }, at(hour)), `follow-${hour}`);
  });

  it("needs read:notifications to read and write:notifications to dismiss", async () => {
    const anon = caller(server, null);
    const writeOnly = caller(server, await tokenFor(server, alice.account.id, "write"));
    const readOnly = caller(server, await tokenFor(server, alice.account.id, "read"));
    for (const path of ["/api/v2/notifications", "/api/v2/notifications/unread_count", "/api/v2/notifications/follow-1", "/api/v2/notifications/follow-1/accounts"]) {
      assert.equal((await anon("GET", path)).status, 401, path);
      assert.equal((await writeOnly("GET", path)).status, 403, path);
    }
    assert.equal((await readOnly("POST", "/api/v2/notifications/follow-1/dismiss")).status, 403);
  });
});
