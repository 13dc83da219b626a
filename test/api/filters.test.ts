import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import generator from "megalodon";
import type { DomainEvent } from "../../src/domain/events.ts";
import { fanOutStatus } from "../../src/domain/fanout.ts";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntities, assertMatchesEntity } from "../helpers/openapi.ts";
import { makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

type Json = Record<string, any>;

describe(`keyword filters (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    server = await startApiServer();
    alice = await makeUser(server, "alice");
    bob = await makeUser(server, "bob");
    await alice.masto.v1.accounts.$select(bob.account.id).follow();
  });
  after(async () => server?.close());

  async function post(user: TestUser, status: string, extra: Json = {}): Promise<{ id: string }> {
    const res = await user.call("POST", "/api/v1/statuses", { status, ...extra });
    assert.equal(res.status, 200, await res.clone().text());
    const json = await res.json();
    await fanOutStatus(server.ctx, json.id);
    return json;
  }
  const home = async (user: TestUser): Promise<Json[]> => (await user.call("GET", "/api/v1/timelines/home?limit=40")).json();

  it("hides a keyword from the home timeline and marks a warned one `filtered`", async (t) => {
    const events: DomainEvent[] = [];
    const off = server.ctx.events.on((e) => events.push(e));
    const hide = await alice.masto.v2.filters.create({
      title: "No spoilers",
      context: ["home"],
      filterAction: "hide",
      keywordsAttributes: [{ keyword: "spoiler", wholeWord: true }],
    });
    const warn = await alice.masto.v2.filters.create({
      title: "Cats",
      context: ["home", "public"],
      filterAction: "warn",
      keywordsAttributes: [{ keyword: "cat", wholeWord: false }],
    });
    off();
    assert.ok(events.some((e) => e.type === "filters.changed" && e.accountId === alice.account.id), "streaming hears of it");
    assert.equal(hide.filterAction, "hide");
    assert.deepEqual(hide.keywords?.map((k) => [k.keyword, k.wholeWord]), [["spoiler", true]]);

    const hidden = await post(bob, "Big SPOILER: it was the butler");
    const plural = await post(bob, "spoilers ahead, whole words only");
    const cats = await post(bob, "My Cats are asleep");
    const plain = await post(bob, "nothing to see");

    const timeline = await home(alice);
    assertMatchesEntities(timeline, "Status", t);
    const ids = timeline.map((s) => s.id);
    assert.ok(!ids.includes(hidden.id), "the hidden one is left out");
    assert.ok(ids.includes(plural.id), "whole-word matching leaves 'spoilers' alone");
    const warned = timeline.find((s) => s.id === cats.id)!;
    assert.equal(warned.filtered.length, 1);
    assert.equal(warned.filtered[0].filter.id, warn.id);
    assert.equal(warned.filtered[0].filter.filter_action, "warn");
    assert.deepEqual(warned.filtered[0].keyword_matches, ["cat"]);
    assert.equal(warned.filtered[0].filter.keywords, undefined, "a FilterResult's filter leaves out its keywords");
    assertMatchesEntity(warned.filtered[0], "FilterResult", t);
    assert.deepEqual(timeline.find((s) => s.id === plain.id)!.filtered, []);

    // Bob sees his own posts unfiltered; the public timeline ignores a home-only filter.
    assert.ok((await home(bob)).some((s) => s.id === hidden.id));
    const pub: Json[] = await (await alice.call("GET", "/api/v1/timelines/public?limit=40")).json();
    assert.ok(pub.some((s) => s.id === hidden.id));
    assert.equal(pub.find((s) => s.id === cats.id)!.filtered.length, 1);

    // A boost is caught by what it boosts.
    const carol = await makeUser(server, "carol");
    const carolsCat = await post(carol, "cat picture");
    const boostRes = await bob.call("POST", `/api/v1/statuses/${carolsCat.id}/reblog`);
    const boost = await boostRes.json();
    await fanOutStatus(server.ctx, boost.id);
    const boosted = (await home(alice)).find((s) => s.id === boost.id)!;
    assert.equal(boosted.filtered.length, 1);
    assert.equal(boosted.reblog.filtered.length, 1);
  });

  it("edits keywords through v2 (attributes with _destroy, and one by one) and filters single statuses", async (t) => {
    const filter = await alice.masto.v2.filters.create({
      title: "Edits",
      context: ["home"],
      keywordsAttributes: [{ keyword: "alpha" }, { keyword: "beta" }],
    });
    const [alpha, beta] = filter.keywords!;
    const res = await alice.call("PUT", `/api/v2/filters/${filter.id}`, {
      title: "Edited",
      keywords_attributes: [
        { id: alpha.id, _destroy: true },
        { id: beta.id, keyword: "gamma", whole_word: false },
        { keyword: "delta" },
      ],
    });
    const edited = await res.json();
    assertMatchesEntity(edited, "Filter", t);
    assert.equal(edited.title, "Edited");
    assert.deepEqual(edited.keywords.map((k: Json) => [k.keyword, k.whole_word]), [["gamma", false], ["delta", true]]);

    const added = await (await alice.call("POST", `/api/v2/filters/${filter.id}/keywords`, { keyword: "epsilon" })).json();
    assertMatchesEntity(added, "FilterKeyword", t);
    const changed = await (await alice.call("PUT", `/api/v2/filters/keywords/${added.id}`, { keyword: "zeta" })).json();
    assert.equal(changed.keyword, "zeta");
    assert.equal((await alice.call("DELETE", `/api/v2/filters/keywords/${added.id}`)).status, 200);
    const keywords = await (await alice.call("GET", `/api/v2/filters/${filter.id}/keywords`)).json();
    assert.deepEqual(keywords.map((k: Json) => k.keyword), ["gamma", "delta"]);

    const target = await post(bob, "an ordinary post");
    const fs = await (await alice.call("POST", `/api/v2/filters/${filter.id}/statuses`, { status_id: target.id })).json();
    assertMatchesEntity(fs, "FilterStatus", t);
    const shown = (await home(alice)).find((s) => s.id === target.id)!;
    assert.deepEqual(shown.filtered[0].status_matches, [target.id]);
    assert.equal((await alice.call("DELETE", `/api/v2/filters/statuses/${fs.id}`)).status, 200);
    assert.deepEqual((await home(alice)).find((s) => s.id === target.id)!.filtered, []);

    assert.equal((await bob.call("GET", `/api/v2/filters/${filter.id}`)).status, 404, "another user's filter does not exist for them");
    await alice.masto.v2.filters.$select(filter.id).remove();
    assert.equal((await alice.call("GET", `/api/v2/filters/${filter.id}`)).status, 404);
  });

  it("stops applying a filter once it expires", async () => {
    const filter = await (await alice.call("POST", "/api/v2/filters", { title: "Soon over", context: ["home"], filter_action: "hide", expires_in: 3600, keywords_attributes: [{ keyword: "ephemeral" }] })).json();
    assert.ok(Date.parse(filter.expires_at) > Date.now());
    const p = await post(bob, "ephemeral thoughts");
    assert.ok(!(await home(alice)).some((s) => s.id === p.id));
    await server.ctx.db.updateTable("filters").set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where("id", "=", filter.id).execute();
    assert.ok((await home(alice)).some((s) => s.id === p.id));
  });

  it("drops notifications about a status a notifications filter hides", async () => {
    await alice.call("POST", "/api/v2/filters", { title: "Quiet", context: ["notifications"], filter_action: "hide", keywords_attributes: [{ keyword: "buy now" }] });
    const spam = await post(bob, "@alice buy now!");
    const fine = await post(bob, "@alice hello");
    const notes: Json[] = await (await alice.call("GET", "/api/v1/notifications?types[]=mention")).json();
    const about = notes.map((n) => n.status?.id);
    assert.ok(about.includes(fine.id));
    assert.ok(!about.includes(spam.id));
  });

  it("keeps the v1 API: one phrase per filter, irreversible meaning hide", async (t) => {
    const created = await (await alice.call("POST", "/api/v1/filters", { phrase: "legacy", context: ["home", "thread"], irreversible: true, whole_word: true })).json();
    assertMatchesEntity(created, "V1Filter", t);
    assert.equal(created.irreversible, true);
    const list = await (await alice.call("GET", "/api/v1/filters")).json();
    assertMatchesEntities(list, "V1Filter", t);
    assert.ok(list.some((f: Json) => f.id === created.id && f.phrase === "legacy"));
    const v2 = await alice.masto.v2.filters.list();
    assert.ok(v2.some((f) => f.title === "legacy" && f.filterAction === "hide"), "a v1 filter is a v2 filter with one keyword");
    const updated = await (await alice.call("PUT", `/api/v1/filters/${created.id}`, { phrase: "legacy2", context: ["home"], irreversible: false })).json();
    assert.equal(updated.phrase, "legacy2");
    assert.equal(updated.irreversible, false);
    const megalodon = generator("mastodon", server.url, alice.token);
    const viaMegalodon = await megalodon.getFilters();
    assert.ok(viaMegalodon.data.some((f) => f.phrase === "legacy2"));
    assert.equal((await alice.call("DELETE", `/api/v1/filters/${created.id}`)).status, 200);
    assert.ok(!(await alice.masto.v2.filters.list()).some((f) => f.title === "legacy"));
  });

  it("validates input (422) and needs the filters scope (401/403)", async () => {
    assert.equal((await alice.call("POST", "/api/v2/filters", { title: "", context: ["home"] })).status, 422);
    assert.equal((await alice.call("POST", "/api/v2/filters", { title: "x", context: ["everywhere"] })).status, 422);
    assert.equal((await alice.call("POST", "/api/v2/filters", { title: "x", context: ["home"], filter_action: "explode" })).status, 422);
    assert.equal((await fetch(`${server.url}/api/v2/filters`)).status, 401);
    const readOnly = await tokenFor(server, alice.account.id, "read");
    const res = await fetch(`${server.url}/api/v2/filters`, {
      method: "POST",
      headers: { authorization: `Bearer ${readOnly}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "x", context: ["home"] }),
    });
    assert.equal(res.status, 403);
  });
});
