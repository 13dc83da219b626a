import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import generator from "megalodon";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntities, assertMatchesEntity } from "../helpers/openapi.ts";
import { makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

type Json = Record<string, any>;

describe(`hashtags: follow, feature, trends (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    server = await startApiServer();
    [alice, bob] = await Promise.all(["alice", "bob"].map((n) => makeUser(server, n)));
  });
  after(async () => server?.close());

  it("follows and unfollows a tag, and shows it with a week of history", async (t) => {
    await bob.masto.v1.statuses.create({ status: "Morning #Coffee" });
    await alice.masto.v1.statuses.create({ status: "more #coffee" });
    const tag = await alice.masto.v1.tags.$select("coffee").follow();
    assert.equal(tag.following, true);
    const raw = await (await alice.call("GET", "/api/v1/tags/coffee")).json();
    assertMatchesEntity(raw, "Tag", t);
    assert.equal(raw.following, true);
    assert.equal(raw.history.length, 7);
    assert.deepEqual(raw.history[0].uses, "2", "two posts today");
    assert.deepEqual(raw.history[0].accounts, "2");
    assert.equal(Number(raw.history[0].day) % 86_400, 0, "days start at midnight UTC");

    const followed = await (await alice.call("GET", "/api/v1/followed_tags")).json();
    assertMatchesEntities(followed, "Tag", t);
    assert.deepEqual(followed.map((x: Json) => x.name), ["Coffee"], "shown as first spelled");
    const viaMegalodon = await generator("mastodon", server.url, alice.token).getFollowedTags();
    assert.equal(viaMegalodon.data.length, 1);

    const untouched = await (await alice.call("POST", "/api/v1/tags/newtag/follow")).json();
    assert.equal(untouched.following, true, "a tag nobody used yet can be followed");
    await alice.masto.v1.tags.$select("coffee").unfollow();
    const left = await (await alice.call("GET", "/api/v1/followed_tags")).json();
    assert.deepEqual(left.map((x: Json) => x.name), ["newtag"]);
  });

  it("shows unknown tags only to signed-in users, and refuses invalid names", async () => {
    assert.equal((await fetch(`${server.url}/api/v1/tags/neverseen`)).status, 404);
    const known = await (await fetch(`${server.url}/api/v1/tags/coffee`)).json();
    assert.equal(known.following, undefined, "no viewer, no following flag");
    assert.equal((await alice.call("GET", "/api/v1/tags/neverseen")).status, 200);
    assert.equal((await alice.call("POST", "/api/v1/tags/no%20spaces/follow")).status, 404);
    const readOnly = await tokenFor(server, alice.account.id, "read");
    const res = await fetch(`${server.url}/api/v1/tags/coffee/follow`, { method: "POST", headers: { authorization: `Bearer ${readOnly}` } });
    assert.equal(res.status, 403);
  });

  it("features tags on the profile with their counts, suggests the ones in use", async (t) => {
    await alice.masto.v1.statuses.create({ status: "#Gardening today" });
    await alice.masto.v1.statuses.create({ status: "#gardening again, and #tomatoes" });
    const suggestions = await (await alice.call("GET", "/api/v1/featured_tags/suggestions")).json();
    assertMatchesEntities(suggestions, "Tag", t);
    assert.equal(suggestions[0].name, "Gardening", "the most used first");

    const res = await alice.call("POST", "/api/v1/featured_tags", { name: "gardening" });
    const featured = await res.json();
    assertMatchesEntity(featured, "FeaturedTag", t);
    assert.equal(featured.statuses_count, "2");
    assert.equal(featured.last_status_at, new Date().toISOString().slice(0, 10));
    assert.equal(featured.url, `${server.url}/@alice/tagged/gardening`);
    const again = await (await alice.call("POST", "/api/v1/featured_tags", { name: "Gardening" })).json();
    assert.equal(again.id, featured.id, "featuring twice changes nothing");

    const onProfile = await (await fetch(`${server.url}/api/v1/accounts/${alice.account.id}/featured_tags`)).json();
    assert.deepEqual(onProfile.map((f: Json) => f.id), [featured.id]);
    const after = await (await alice.call("GET", "/api/v1/featured_tags/suggestions")).json();
    assert.ok(!after.some((s: Json) => s.name === "Gardening"), "a featured tag is no longer suggested");
    const tag = await (await alice.call("GET", "/api/v1/tags/gardening")).json();
    assert.equal(tag.featuring, true);

    assert.equal((await alice.call("DELETE", `/api/v1/featured_tags/${featured.id}`)).status, 200);
    assert.deepEqual(await (await alice.call("GET", "/api/v1/featured_tags")).json(), []);
    assert.equal((await alice.call("DELETE", `/api/v1/featured_tags/${featured.id}`)).status, 404);
    assert.equal((await alice.call("POST", "/api/v1/featured_tags", { name: "not valid!" })).status, 422);
  });

  it("trends: tags most people used this week, statuses most favourited lately, no links", async (t) => {
    const carol = await makeUser(server, "carol");
    for (const u of [alice, bob, carol]) await u.masto.v1.statuses.create({ status: "#popular thing" });
    const tags = await (await fetch(`${server.url}/api/v1/trends/tags`)).json();
    assertMatchesEntities(tags, "Tag", t);
    assert.equal(tags[0].name, "popular", "three people used it");

    const liked = await bob.masto.v1.statuses.create({ status: "like me" });
    await alice.masto.v1.statuses.$select(liked.id).favourite();
    await carol.masto.v1.statuses.$select(liked.id).favourite();
    const statuses = await (await fetch(`${server.url}/api/v1/trends/statuses`)).json();
    assertMatchesEntities(statuses, "Status", t);
    assert.equal(statuses[0].id, liked.id);
    assert.deepEqual(await (await fetch(`${server.url}/api/v1/trends/links`)).json(), []);
    const page = await fetch(`${server.url}/api/v1/trends/tags?limit=1`);
    assert.match(page.headers.get("link") ?? "", /offset=1/);
  });
});
