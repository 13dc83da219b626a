import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { fanOutStatus } from "../../src/domain/fanout.ts";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntities } from "../helpers/openapi.ts";
import { caller, links, makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

describe(`timelines (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  before(async () => {
    server = await startApiServer();
    alice = await makeUser(server, "alice");
    bob = await makeUser(server, "bob");
    carol = await makeUser(server, "carol");
  });
  after(async () => server?.close());

  /** Posts as `user` and runs the fan-out the queue worker would run. */
  async function post(user: TestUser, status: string, extra: Record<string, unknown> = {}) {
    const res = await user.call("POST", "/api/v1/statuses", { status, ...extra });
    assert.equal(res.status, 200, await res.clone().text());
    const json = await res.json();
    await fanOutStatus(server.ctx, json.id);
    return json as { id: string };
  }

  it("pages the home timeline with Link headers, as masto.js follows them", async (t) => {
    await bob.masto.v1.accounts.$select(alice.account.id).follow();
    const posted: string[] = [];
    for (let i = 0; i < 5; i++) posted.push((await post(alice, `home ${i}`)).id);
    const own = await post(bob, "bob's own");
    const expected = [own.id, ...posted.reverse()];

    const first = await bob.call("GET", "/api/v1/timelines/home?limit=2");
    assert.equal(first.status, 200);
    const body = await first.json();
    assertMatchesEntities(body, "Status", t);
    assert.deepEqual(body.map((s: { id: string }) => s.id), expected.slice(0, 2));
    const { next, prev } = links(first);
    assert.ok(next && prev, first.headers.get("link") ?? "no Link header");
    assert.equal(new URL(next).searchParams.get("max_id"), expected[1]);
    assert.equal(new URL(next).searchParams.get("limit"), "2");
    assert.equal(new URL(prev).searchParams.get("min_id"), expected[0]);

    const seen: string[] = [];
    for await (const page of bob.masto.v1.timelines.home.list({ limit: 2 })) seen.push(...page.map((s) => s.id));
    assert.deepEqual(seen, expected);

    const newer = await (await bob.call("GET", `/api/v1/timelines/home?min_id=${expected[3]}&limit=2`)).json();
    assert.deepEqual(newer.map((s: { id: string }) => s.id), expected.slice(1, 3), "min_id gives the page just after it");
    const since = await (await bob.call("GET", `/api/v1/timelines/home?since_id=${expected[3]}&limit=2`)).json();
    assert.deepEqual(since.map((s: { id: string }) => s.id), expected.slice(0, 2), "since_id gives the newest");
  });

  it("shows boosts in home, and private posts only to followers", async () => {
    await alice.masto.v1.accounts.$select(carol.account.id).follow();
    const s = await post(carol, "carol says");
    const boost = await bob.masto.v1.statuses.$select(s.id).reblog();
    await fanOutStatus(server.ctx, boost.id);
    const secret = await post(carol, "carol's private", { visibility: "private" });
    const followerHome = await alice.masto.v1.timelines.home.list({ limit: 40 });
    assert.equal(followerHome[0]?.id, secret.id);
    const strangerHome = await bob.masto.v1.timelines.home.list({ limit: 40 });
    assert.equal(strangerHome.some((x) => x.id === secret.id || x.reblog?.id === secret.id), false);
    assert.equal(strangerHome[0]?.reblog?.id, s.id, "the boost heads bob's own home");
  });

  it("keeps private, unlisted and direct posts out of the public and hashtag timelines", async () => {
    const pub = await post(alice, "public #cats");
    await post(alice, "private #cats", { visibility: "private" });
    await post(alice, "unlisted #cats", { visibility: "unlisted" });
    await post(alice, "@bob direct #cats", { visibility: "direct" });
    for (const user of [carol, bob]) {
      const timeline = await user.masto.v1.timelines.public.list({ limit: 40 });
      assert.deepEqual(timeline.filter((s) => s.content.includes("cats")).map((s) => s.id), [pub.id]);
      const tag = await user.masto.v1.timelines.tag.$select("cats").list({ limit: 40 });
      assert.deepEqual(tag.map((s) => s.id), [pub.id]);
    }
    const anon = await (await caller(server, null)("GET", "/api/v1/timelines/public?local=true")).json();
    assert.ok(anon.some((s: { id: string }) => s.id === pub.id));
    assert.ok(anon.every((s: { visibility: string }) => s.visibility === "public"));
    const remoteOnly = await (await caller(server, null)("GET", "/api/v1/timelines/public?remote=true")).json();
    assert.deepEqual(remoteOnly, []);
    const tagUpper = await (await caller(server, null)("GET", "/api/v1/timelines/tag/CATS")).json();
    assert.deepEqual(tagUpper.map((s: { id: string }) => s.id), [pub.id], "hashtags match case-insensitively");
  });

  it("requires a user token with read:statuses for home; public answers 401 only to a bad token", async () => {
    const anon = caller(server, null);
    assert.equal((await anon("GET", "/api/v1/timelines/home")).status, 401);
    assert.equal((await caller(server, "nope")("GET", "/api/v1/timelines/home")).status, 401);
    const writeOnly = caller(server, await tokenFor(server, alice.account.id, "write"));
    assert.equal((await writeOnly("GET", "/api/v1/timelines/home")).status, 403);
    const appOnly = caller(server, await tokenFor(server, null, "read"));
    assert.equal((await appOnly("GET", "/api/v1/timelines/home")).status, 422);
    assert.equal((await anon("GET", "/api/v1/timelines/public")).status, 200);
    assert.equal((await caller(server, "nope")("GET", "/api/v1/timelines/public")).status, 401);
    assert.equal((await writeOnly("GET", "/api/v1/timelines/tag/cats")).status, 403);
  });
});
