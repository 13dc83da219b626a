import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import sharp from "sharp";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntities, assertMatchesEntity } from "../helpers/openapi.ts";
import { caller, makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

describe(`posting and acting on statuses (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    server = await startApiServer();
    alice = await makeUser(server, "alice");
    bob = await makeUser(server, "bob");
  });
  after(async () => server?.close());

  it("posts a status with a content warning and reads it back", async (t) => {
    const s = await alice.masto.v1.statuses.create({ status: "Hello #weft world", spoilerText: "greeting", language: "en" });
    assert.match(s.content, /Hello/);
    assert.equal(s.spoilerText, "greeting");
    assert.equal(s.sensitive, true, "a content warning marks the status sensitive");
    assert.equal(s.visibility, "public");
    assert.equal(s.account.id, alice.account.id);
    assert.equal(s.application?.name, "Test app");
    assert.deepEqual(s.tags.map((x) => x.name), ["weft"]);
    const raw = await (await alice.call("GET", `/api/v1/statuses/${s.id}`)).json();
    assertMatchesEntity(raw, "Status", t);
    assert.equal(raw.favourited, false);
  });

  it("posts a reply and shows it in the thread's context", async (t) => {
    const root = await alice.masto.v1.statuses.create({ status: "root" });
    const reply = await bob.masto.v1.statuses.create({ status: "@alice a reply", inReplyToId: root.id });
    assert.equal(reply.inReplyToId, root.id);
    assert.equal(reply.inReplyToAccountId, alice.account.id);
    const ctx = await alice.masto.v1.statuses.$select(root.id).context.fetch();
    assert.deepEqual(ctx.descendants.map((s) => s.id), [reply.id]);
    const up = await bob.masto.v1.statuses.$select(reply.id).context.fetch();
    assert.deepEqual(up.ancestors.map((s) => s.id), [root.id]);
    assertMatchesEntity(await (await alice.call("GET", `/api/v1/statuses/${root.id}/context`)).json(), "Context", t);
    const refreshed = await alice.masto.v1.statuses.$select(root.id).fetch();
    assert.equal(refreshed.repliesCount, 1);
  });

  it("refuses a blank status, an unknown visibility and a reply to a missing status with 422/404", async () => {
    assert.equal((await alice.call("POST", "/api/v1/statuses", { status: "  " })).status, 422);
    assert.equal((await alice.call("POST", "/api/v1/statuses", { status: "x", visibility: "everyone" })).status, 422);
    const missing = await alice.call("POST", "/api/v1/statuses", { status: "x", in_reply_to_id: "123456789012345678" });
    assert.equal(missing.status, 404);
    const soon = new Date(Date.now() + 60_000).toISOString();
    const scheduled = await alice.call("POST", "/api/v1/statuses", { status: "later", scheduled_at: soon });
    assert.equal(scheduled.status, 422);
    assert.match((await scheduled.json()).error, /at least 5 minutes in the future/);
  });

  it("accepts form-encoded posts with Rails-style poll parameters, and votes", async (t) => {
    const body = new URLSearchParams([
      ["status", "Tea or coffee?"],
      ["poll[options][]", "Tea"],
      ["poll[options][]", "Coffee"],
      ["poll[expires_in]", "3600"],
      ["poll[multiple]", "true"],
    ]);
    const res = await fetch(`${server.url}/api/v1/statuses`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice.token}`, "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    assert.equal(res.status, 200);
    const status = await res.json();
    assert.deepEqual(status.poll.options.map((o: { title: string }) => o.title), ["Tea", "Coffee"]);
    assert.equal(status.poll.multiple, true);
    const voted = await bob.masto.v1.polls.$select(status.poll.id).votes.create({ choices: [0, 1] });
    assert.equal(voted.voted, true);
    assert.deepEqual(voted.ownVotes, [0, 1]);
    assert.deepEqual(voted.options.map((o) => o.votesCount), [1, 1]);
    assert.equal(voted.votersCount, 1);
    const again = await bob.call("POST", `/api/v1/polls/${status.poll.id}/votes`, { choices: [0] });
    assert.equal(again.status, 422, "one vote per person");
    const fetched = await (await alice.call("GET", `/api/v1/polls/${status.poll.id}`)).json();
    assertMatchesEntity(fetched, "Poll", t);
    assert.equal(fetched.votes_count, 2);
  });

  it("favourites and boosts, and their undo, show in counts and flags", async () => {
    const s = await alice.masto.v1.statuses.create({ status: "like and boost me" });
    const faved = await bob.masto.v1.statuses.$select(s.id).favourite();
    assert.equal(faved.favourited, true);
    assert.equal(faved.favouritesCount, 1);
    const boost = await bob.masto.v1.statuses.$select(s.id).reblog();
    assert.equal(boost.reblog?.id, s.id);
    assert.equal(boost.reblog?.reblogged, true);
    assert.equal(boost.reblog?.reblogsCount, 1);
    const byFav = await alice.masto.v1.statuses.$select(s.id).favouritedBy.list();
    assert.deepEqual(byFav.map((a) => a.id), [bob.account.id]);
    const byBoost = await alice.masto.v1.statuses.$select(s.id).rebloggedBy.list();
    assert.deepEqual(byBoost.map((a) => a.id), [bob.account.id]);
    const seenByAlice = await alice.masto.v1.statuses.$select(s.id).fetch();
    assert.equal(seenByAlice.favourited, false, "flags are the viewer's own");
    assert.equal(seenByAlice.favouritesCount, 1);

    const unfaved = await bob.masto.v1.statuses.$select(s.id).unfavourite();
    assert.equal(unfaved.favourited, false);
    assert.equal(unfaved.favouritesCount, 0);
    const unboosted = await bob.masto.v1.statuses.$select(s.id).unreblog();
    assert.equal(unboosted.reblogged, false);
    assert.equal(unboosted.reblogsCount, 0);
    assert.equal((await bob.call("GET", `/api/v1/statuses/${boost.id}`)).status, 404, "the boost is gone");
  });

  it("bookmarks a status and lists it, newest bookmark first", async () => {
    const a = await alice.masto.v1.statuses.create({ status: "bookmark a" });
    const b = await alice.masto.v1.statuses.create({ status: "bookmark b" });
    await bob.masto.v1.statuses.$select(b.id).bookmark();
    const marked = await bob.masto.v1.statuses.$select(a.id).bookmark();
    assert.equal(marked.bookmarked, true);
    const list = await bob.masto.v1.bookmarks.list();
    assert.deepEqual(list.map((s) => s.id), [a.id, b.id]);
    await bob.masto.v1.statuses.$select(a.id).unbookmark();
    assert.deepEqual((await bob.masto.v1.bookmarks.list()).map((s) => s.id), [b.id]);
    await bob.masto.v1.statuses.$select(a.id).favourite();
    assert.deepEqual((await bob.masto.v1.favourites.list()).map((s) => s.id), [a.id]);
  });

  it("edits a status and keeps every version in its history", async (t) => {
    const s = await alice.masto.v1.statuses.create({ status: "first version" });
    const edited = await alice.masto.v1.statuses.$select(s.id).update({ status: "second version", spoilerText: "cw" });
    assert.match(edited.content, /second version/);
    assert.ok(edited.editedAt);
    const history = await (await alice.call("GET", `/api/v1/statuses/${s.id}/history`)).json();
    assertMatchesEntities(history, "StatusEdit", t);
    assert.equal(history.length, 2);
    assert.match(history[0].content, /first version/);
    assert.match(history[1].content, /second version/);
    const source = await alice.masto.v1.statuses.$select(s.id).source.fetch();
    assert.deepEqual({ text: source.text, spoilerText: source.spoilerText }, { text: "second version", spoilerText: "cw" });
    const notMine = await bob.call("PUT", `/api/v1/statuses/${s.id}`, { status: "hijack" });
    assert.equal(notMine.status, 404);
  });

  it("shows an unedited status's history as its one version", async () => {
    const s = await alice.masto.v1.statuses.create({ status: "never edited" });
    const history = await alice.masto.v1.statuses.$select(s.id).history.list();
    assert.equal(history.length, 1);
  });

  it("deletes a status and hands back its source text for redrafting, media included", async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } }).jpeg().toBuffer();
    const media = await alice.masto.v2.media.create({ file: new Blob([new Uint8Array(jpeg)], { type: "image/jpeg" }), skipPolling: true } as never);
    const s = await alice.masto.v1.statuses.create({ status: "oops, tpyo", mediaIds: [media.id] });
    assert.equal(s.mediaAttachments.length, 1);
    const notMine = await bob.call("DELETE", `/api/v1/statuses/${s.id}`);
    assert.equal(notMine.status, 404);
    const deleted = await alice.masto.v1.statuses.$select(s.id).remove();
    assert.equal((deleted as unknown as { text: string }).text, "oops, tpyo");
    assert.equal(deleted.mediaAttachments.length, 1);
    assert.equal((await alice.call("GET", `/api/v1/statuses/${s.id}`)).status, 404);
    const redraft = await alice.masto.v1.statuses.create({ status: "oops, typo", mediaIds: [media.id] });
    assert.equal(redraft.mediaAttachments[0]?.id, media.id, "the upload is free for the redraft");
  });

  it("returns the same status for a repeated Idempotency-Key, and a new one for another key", async () => {
    const headers = { "Idempotency-Key": "key-123" };
    const [a, b] = await Promise.all([
      alice.call("POST", "/api/v1/statuses", { status: "only once" }, headers),
      alice.call("POST", "/api/v1/statuses", { status: "only once" }, headers),
    ]);
    const first = await a.json();
    const second = await b.json();
    assert.equal(first.id, second.id);
    const viaMasto = await alice.masto.v1.statuses.create({ status: "only once" }, { requestInit: { headers } });
    assert.equal(viaMasto.id, first.id);
    const other = await (await alice.call("POST", "/api/v1/statuses", { status: "only once" }, { "Idempotency-Key": "key-456" })).json();
    assert.notEqual(other.id, first.id);
    const bobs = await (await bob.call("POST", "/api/v1/statuses", { status: "mine" }, headers)).json();
    assert.notEqual(bobs.id, first.id, "keys are per account");
  });

  it("keeps private posts from strangers: status, context, favourite and polls all answer 404", async () => {
    const carol = await makeUser(server, "carol");
    const secret = await alice.masto.v1.statuses.create({ status: "followers only", visibility: "private" });
    const reply = await alice.masto.v1.statuses.create({ status: "private reply", visibility: "private", inReplyToId: secret.id });
    const open = await alice.masto.v1.statuses.create({ status: "public reply", inReplyToId: secret.id });
    assert.equal((await carol.call("GET", `/api/v1/statuses/${secret.id}`)).status, 404);
    assert.equal((await carol.call("GET", `/api/v1/statuses/${secret.id}/context`)).status, 404);
    assert.equal((await carol.call("POST", `/api/v1/statuses/${secret.id}/favourite`)).status, 404);
    assert.equal((await carol.call("POST", `/api/v1/statuses/${secret.id}/reblog`)).status, 404);
    assert.equal((await carol.call("GET", `/api/v1/statuses/${secret.id}/favourited_by`)).status, 404);
    const ctx = await carol.masto.v1.statuses.$select(open.id).context.fetch();
    assert.deepEqual(ctx.ancestors, [], "the private parent is left out of a public reply's thread");
    const anon = await (await caller(server, null)("GET", `/api/v1/statuses/${open.id}/context`)).json();
    assert.deepEqual(anon.ancestors, []);
    const own = await alice.masto.v1.statuses.$select(secret.id).context.fetch();
    assert.deepEqual(own.descendants.map((s) => s.id).sort(), [reply.id, open.id].sort());
  });

  it("answers 401 without a token and 403 without the scope", async () => {
    const s = await alice.masto.v1.statuses.create({ status: "scoped" });
    const anon = caller(server, null);
    const bad = caller(server, "not-a-token");
    const readOnly = caller(server, await tokenFor(server, bob.account.id, "read"));
    const writes: Array<[string, string]> = [
      ["POST", "/api/v1/statuses"],
      ["PUT", `/api/v1/statuses/${s.id}`],
      ["DELETE", `/api/v1/statuses/${s.id}`],
      ["POST", `/api/v1/statuses/${s.id}/favourite`],
      ["POST", `/api/v1/statuses/${s.id}/unfavourite`],
      ["POST", `/api/v1/statuses/${s.id}/reblog`],
      ["POST", `/api/v1/statuses/${s.id}/unreblog`],
      ["POST", `/api/v1/statuses/${s.id}/bookmark`],
      ["POST", `/api/v1/statuses/${s.id}/unbookmark`],
      ["POST", "/api/v1/polls/1/votes"],
    ];
    for (const [method, path] of writes) {
      assert.equal((await anon(method, path, {})).status, 401, `${method} ${path} without a token`);
      assert.equal((await bad(method, path, {})).status, 401, `${method} ${path} with a bad token`);
      assert.equal((await readOnly(method, path, {})).status, 403, `${method} ${path} with only read`);
    }
    const writeOnly = caller(server, await tokenFor(server, bob.account.id, "write"));
    for (const path of [`/api/v1/statuses/${s.id}/source`, "/api/v1/bookmarks", "/api/v1/favourites"]) {
      assert.equal((await anon("GET", path)).status, 401, `GET ${path} without a token`);
      assert.equal((await writeOnly("GET", path)).status, 403, `GET ${path} with only write`);
    }
    for (const path of [`/api/v1/statuses/${s.id}/context`, `/api/v1/statuses/${s.id}/history`, `/api/v1/statuses/${s.id}/favourited_by`]) {
      assert.equal((await anon("GET", path)).status, 200, `GET ${path} is public`);
      assert.equal((await bad("GET", path)).status, 401, `GET ${path} with a bad token`);
    }
  });
});
