import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createAccessToken } from "../../../src/domain/tokens.ts";
import { testDialect } from "../../helpers/db.ts";
import { makeAccount, makeMedia, makeReblog, makeStatus, mention, relate } from "../../helpers/factories.ts";
import { assertMatchesEntities, assertMatchesEntity } from "../../helpers/openapi.ts";
import { startTestServer, type TestServer } from "../oauth/helpers.ts";

const dialect = testDialect();
let server: TestServer;
let db: TestServer["db"]["db"];

before(async () => {
  server = await startTestServer();
  db = server.db.db;
});
after(() => server.close());

async function tokenFor(accountId: string | null, scopes = "read"): Promise<string> {
  return (await createAccessToken(server.app.ctx, { accountId, appId: null, scopes })).token;
}

async function get(path: string, token?: string): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const type = res.headers.get("content-type") ?? "";
  return { status: res.status, body: type.includes("json") ? await res.json() : await res.arrayBuffer(), headers: res.headers };
}

/** The URLs of a Link header by rel. */
function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (header ?? "").matchAll(/<([^>]+)>;\s*rel="(\w+)"/g)) out[m[2]] = m[1];
  return out;
}

test(`the instance endpoints describe the server, its limits and its rules (${dialect})`, async (t) => {
  await makeAccount(db, { username: "boss", admin: true, email: "boss@weft.test" });
  await db.insertInto("instance_settings").values([
    { key: "registrations_mode", value: JSON.stringify("approval") },
    { key: "rules", value: JSON.stringify(["Be kind", { text: "No spam", hint: "Ads count" }]) },
  ]).execute();

  const v1 = await get("/api/v1/instance");
  assert.equal(v1.status, 200);
  assertMatchesEntity(v1.body, "V1Instance", t);
  assert.equal(v1.body.registrations, true);
  assert.equal(v1.body.approval_required, true);
  assert.equal(v1.body.contact_account.username, "boss");
  assert.equal(v1.body.email, "boss@weft.test");
  assert.equal(v1.body.urls.streaming_api, server.url.replace("http:", "ws:"));

  const v2 = await get("/api/v2/instance");
  assert.equal(v2.status, 200);
  assertMatchesEntity(v2.body, "Instance", t);
  assert.deepEqual(v2.body.api_versions, { mastodon: 2 });
  assert.equal(v2.body.configuration.statuses.max_characters, 500);
  assert.equal(v2.body.configuration.statuses.max_media_attachments, 4);
  assert.equal(v2.body.configuration.statuses.characters_reserved_per_url, 23);
  assert.equal(v2.body.configuration.polls.max_options, 4);
  assert.equal(v2.body.configuration.polls.max_characters_per_option, 50);
  assert.ok(v2.body.configuration.media_attachments.supported_mime_types.includes("image/png"));
  assert.deepEqual(v2.body.registrations.enabled, true);
  assert.deepEqual(v2.body.registrations.approval_required, true);
  assert.match(v2.body.version, /^4\.3\.0 \(compatible; Weft \d/);

  const rules = await get("/api/v1/instance/rules");
  assert.deepEqual(rules.body, [{ id: "1", text: "Be kind", hint: "" }, { id: "2", text: "No spam", hint: "Ads count" }]);
  assert.deepEqual((await get("/api/v1/custom_emojis")).body, []);
});

test(`accounts are found by id and by handle; unknown ones are 404 (${dialect})`, async (t) => {
  const alice = await makeAccount(db, { username: "alice" });
  const remote = await makeAccount(db, { username: "bob", domain: "remote.example" });
  const byId = await get(`/api/v1/accounts/${alice.id}`);
  assert.equal(byId.status, 200);
  assertMatchesEntity(byId.body, "Account", t);
  assert.equal(byId.body.acct, "alice");
  assert.equal(byId.body.avatar, `${server.url}/avatars/original/missing.png`);

  const host = new URL(server.url).host;
  for (const acct of ["alice", "@alice", `alice@${host}`, "ALICE"]) {
    const res = await get(`/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`);
    assert.equal(res.body.id, alice.id, acct);
  }
  const bob = await get("/api/v1/accounts/lookup?acct=bob@remote.example");
  assert.equal(bob.body.acct, "bob@remote.example");
  assert.equal(bob.body.id, remote.id);

  for (const path of ["/api/v1/accounts/123456", "/api/v1/accounts/lookup?acct=nobody", "/api/v1/accounts/lookup?acct=bob@elsewhere.example"]) {
    const res = await get(path);
    assert.equal(res.status, 404, path);
    assert.deepEqual(res.body, { error: "Record not found" });
  }
  const avatar = await get("/avatars/original/missing.png");
  assert.equal(avatar.status, 200);
  assert.equal(avatar.headers.get("content-type"), "image/png");
  assert.deepEqual([...new Uint8Array(avatar.body).slice(1, 4)], [0x50, 0x4e, 0x47], "a PNG");
});

test(`verify_credentials and relationships need a signed-in user (${dialect})`, async (t) => {
  const me = await makeAccount(db);
  const friend = await makeAccount(db);
  const fan = await makeAccount(db);
  await relate(db, "follows", me, friend);
  await relate(db, "follows", fan, me);
  const token = await tokenFor(me.id);

  assert.equal((await get("/api/v1/accounts/verify_credentials")).status, 401);
  assert.equal((await get("/api/v1/accounts/verify_credentials", "not-a-token")).status, 401);
  assert.equal((await get("/api/v1/accounts/verify_credentials", await tokenFor(me.id, "write"))).status, 403);
  assert.equal((await get("/api/v1/accounts/verify_credentials", await tokenFor(null))).status, 422, "an app token has no account");
  const creds = await get("/api/v1/accounts/verify_credentials", token);
  assert.equal(creds.status, 200);
  assertMatchesEntity(creds.body, "CredentialAccount", t);
  assert.equal(creds.body.id, me.id);
  assert.equal(creds.body.source.privacy, "public");

  const rels = await get(`/api/v1/accounts/relationships?id[]=${friend.id}&id[]=999999&id[]=${fan.id}`, token);
  assert.equal(rels.status, 200);
  assertMatchesEntities(rels.body, "Relationship", t);
  assert.deepEqual(rels.body.map((r: any) => [r.id, r.following, r.followed_by]), [[friend.id, true, false], [fan.id, false, true]]);
  assert.equal((await get(`/api/v1/accounts/relationships?id=${friend.id}`, token)).body[0].following, true);
  assert.equal((await get(`/api/v1/accounts/relationships?id[]=${friend.id}`)).status, 401);
});

test(`a status is shown only to those who may see it; the rest get 404 (${dialect})`, async (t) => {
  const author = await makeAccount(db);
  const follower = await makeAccount(db);
  const stranger = await makeAccount(db);
  const named = await makeAccount(db);
  await relate(db, "follows", follower, author);
  const pub = await makeStatus(db, author, { visibility: "public" });
  const unlisted = await makeStatus(db, author, { visibility: "unlisted" });
  const priv = await makeStatus(db, author, { visibility: "private" });
  const direct = await makeStatus(db, author, { visibility: "direct" });
  await mention(db, direct, named);
  const boost = await makeReblog(db, follower, pub);
  const tokens = {
    author: await tokenFor(author.id), follower: await tokenFor(follower.id), stranger: await tokenFor(stranger.id), named: await tokenFor(named.id),
  };

  const cases: Array<[string, keyof typeof tokens | null, number]> = [
    [pub.id, null, 200], [unlisted.id, null, 200], [boost.id, null, 200],
    [priv.id, null, 404], [priv.id, "stranger", 404], [priv.id, "follower", 200], [priv.id, "author", 200],
    [direct.id, "follower", 404], [direct.id, "named", 200], [direct.id, "author", 200], ["123456789", null, 404],
  ];
  for (const [id, who, expected] of cases) {
    const res = await get(`/api/v1/statuses/${id}`, who ? tokens[who] : undefined);
    assert.equal(res.status, expected, `${id} as ${who ?? "anonymous"}`);
    if (expected === 200) assertMatchesEntity(res.body, "Status", t);
    else assert.deepEqual(res.body, { error: "Record not found" });
  }
  const seen = await get(`/api/v1/statuses/${boost.id}`, tokens.follower);
  assert.equal(seen.body.reblog.id, pub.id);
  assert.equal(seen.body.reblogged, true, "the follower boosted it");
  assert.equal((await get(`/api/v1/statuses/${pub.id}`, await tokenFor(author.id, "write"))).status, 403);

  await relate(db, "blocks", author, stranger);
  assert.equal((await get(`/api/v1/statuses/${pub.id}`, tokens.stranger)).status, 404, "a blocked viewer sees nothing");
});

test(`an account's statuses page with Link headers and respect visibility and filters (${dialect})`, async (t) => {
  const author = await makeAccount(db);
  const other = await makeAccount(db);
  const stranger = await makeAccount(db);
  const follower = await makeAccount(db);
  await relate(db, "follows", follower, author);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await makeStatus(db, author)).id);
  const priv = await makeStatus(db, author, { visibility: "private" });
  const withMedia = await makeStatus(db, author);
  await makeMedia(db, withMedia);
  const reply = await makeStatus(db, author, { in_reply_to_id: ids[0], in_reply_to_account_id: other.id });
  const boost = await makeReblog(db, author, await makeStatus(db, other));
  const newestFirst = [boost.id, reply.id, withMedia.id, priv.id, ...[...ids].reverse()];

  const path = `/api/v1/accounts/${author.id}/statuses`;
  const all = await get(`${path}?limit=40`, await tokenFor(follower.id));
  assertMatchesEntities(all.body, "Status", t);
  assert.deepEqual(all.body.map((s: any) => s.id), newestFirst);
  const anon = await get(`${path}?limit=40`);
  assert.deepEqual(anon.body.map((s: any) => s.id), newestFirst.filter((id) => id !== priv.id), "followers-only posts are hidden");
  const strangers = await get(`${path}?limit=40`, await tokenFor(stranger.id));
  assert.equal(strangers.body.some((s: any) => s.id === priv.id), false);

  const first = await get(`${path}?limit=3&exclude_reblogs=true`);
  assert.deepEqual(first.body.map((s: any) => s.id), [reply.id, withMedia.id, ids[4]]);
  const l1 = links(first.headers.get("link"));
  assert.equal(l1.next, `${server.url}${path}?limit=3&exclude_reblogs=true&max_id=${ids[4]}`);
  assert.equal(l1.prev, `${server.url}${path}?limit=3&exclude_reblogs=true&min_id=${reply.id}`);
  const second = await get(new URL(l1.next).pathname + new URL(l1.next).search);
  assert.deepEqual(second.body.map((s: any) => s.id), [ids[3], ids[2], ids[1]]);
  const back = await get(new URL(links(second.headers.get("link")).prev).pathname + new URL(links(second.headers.get("link")).prev).search);
  assert.deepEqual(back.body.map((s: any) => s.id), [reply.id, withMedia.id, ids[4]], "min_id pages back to the page just newer");
  const last = await get(`${path}?limit=3&max_id=${ids[1]}`);
  assert.deepEqual(last.body.map((s: any) => s.id), [ids[0]]);
  assert.equal(links(last.headers.get("link")).next, undefined, "a short page is the last one");
  const empty = await get(`${path}?max_id=${ids[0]}`);
  assert.deepEqual(empty.body, []);
  assert.equal(empty.headers.get("link"), null);

  assert.deepEqual((await get(`${path}?only_media=true`)).body.map((s: any) => s.id), [withMedia.id]);
  assert.equal((await get(`${path}?exclude_replies=1&limit=40`)).body.some((s: any) => s.id === reply.id), false);
  assert.deepEqual((await get(`${path}?pinned=true`)).body, []);
  assert.equal((await get(`${path}?limit=1000`)).body.length, newestFirst.length - 1, "limit is capped, not refused");
  assert.equal((await get("/api/v1/accounts/99999/statuses")).status, 404);
});
