import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntity } from "../helpers/openapi.ts";
import { startPeer, type TestPeer } from "../helpers/peer.ts";
import { caller, makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

interface SearchResult {
  accounts: Array<{ id: string; acct: string }>;
  statuses: Array<{ id: string; content: string }>;
  hashtags: Array<{ name: string }>;
}

describe(`search (${testDialect()})`, () => {
  let server: ApiServer;
  let peer: TestPeer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  before(async () => {
    peer = await startPeer({ username: "zed" });
    server = await startApiServer({ WEFT_ALLOW_PRIVATE_ADDRESS: "true" });
    alice = await makeUser(server, "alice");
    bob = await makeUser(server, "bob");
    carol = await makeUser(server, "carol");
    await server.ctx.db.updateTable("accounts").set({ display_name: "Alicia Keys" }).where("id", "=", alice.account.id).execute();
    await bob.masto.v1.accounts.$select(alice.account.id).follow();
  });
  after(async () => {
    await server?.close();
    await peer?.stop();
  });

  const search = async (user: TestUser | null, query: Record<string, string>) => {
    const res = await caller(server, user?.token ?? null)("GET", `/api/v2/search?${new URLSearchParams(query)}`);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as SearchResult;
  };

  it("finds accounts by username or display-name prefix, and by full handle", async (t) => {
    const byName = await search(carol, { q: "ali", type: "accounts" });
    assert.deepEqual(byName.accounts.map((a) => a.id), [alice.account.id]);
    assertMatchesEntity(byName, "Search", t);
    assert.deepEqual((await search(carol, { q: "alicia" })).accounts.map((a) => a.id), [alice.account.id]);
    const host = new URL(server.url).host;
    assert.deepEqual((await search(null, { q: `@alice@${host}` })).accounts.map((a) => a.id), [alice.account.id]);
    assert.deepEqual((await search(bob, { q: "a", type: "accounts", following: "true" })).accounts.map((a) => a.id), [alice.account.id]);
    assert.deepEqual((await search(carol, { q: "100%_" })).accounts, [], "LIKE wildcards are literal");
  });

  it("finds hashtags by prefix", async () => {
    await alice.masto.v1.statuses.create({ status: "about #Gardening and #gardens" });
    const found = await search(carol, { q: "#garden", type: "hashtags" });
    assert.deepEqual(found.hashtags.map((h) => h.name).sort(), ["Gardening", "gardens"]);
  });

  it("finds statuses by text only among those the searcher may see", async () => {
    const pub = await alice.masto.v1.statuses.create({ status: "the quick brown fox" });
    const secret = await alice.masto.v1.statuses.create({ status: "the secret brown fox", visibility: "private" });
    const dm = await alice.masto.v1.statuses.create({ status: "@bob brown fox for you", visibility: "direct" });
    const ids = async (user: TestUser | null) => (await search(user, { q: "BROWN FOX", type: "statuses" })).statuses.map((s) => s.id);
    assert.deepEqual(await ids(carol), [pub.id], "a stranger sees only the public post");
    assert.deepEqual(await ids(bob), [dm.id, secret.id, pub.id], "a follower sees the private one, the mentioned the direct one");
    assert.deepEqual(await ids(null), [], "no status search without signing in");
    const byAccount = await search(bob, { q: "fox", type: "statuses", account_id: carol.account.id });
    assert.deepEqual(byAccount.statuses, []);
    const local = await search(carol, { q: secret.url ?? secret.uri });
    assert.deepEqual(local.statuses, [], "a pasted URL of a private post finds nothing for a stranger");
    const mine = await search(bob, { q: secret.uri });
    assert.deepEqual(mine.statuses.map((s) => s.id), [secret.id]);
  });

  it("resolves a remote handle and a remote post URL when asked, and stores them", async () => {
    const quiet = await search(alice, { q: peer.handle });
    assert.deepEqual(quiet.accounts, [], "nothing fetched without resolve=true");
    const resolved = await search(alice, { q: peer.handle, resolve: "true" });
    assert.equal(resolved.accounts.length, 1);
    assert.equal(resolved.accounts[0].acct, peer.handle.slice(1));
    const note = await peer.createNote({ content: "<p>hello from afar</p>" });
    const post = await search(alice, { q: note.id, resolve: "true", type: "statuses" });
    assert.equal(post.statuses.length, 1);
    assert.match(post.statuses[0].content, /hello from afar/);
    const again = await search(carol, { q: "afar", type: "statuses" });
    assert.deepEqual(again.statuses.map((s) => s.id), [post.statuses[0].id], "stored, so plain search finds it");
  });

  it("resolves an unknown remote @mention while posting, so the post mentions that account", async () => {
    const other = await startPeer({ username: "yan" });
    try {
      const s = await alice.masto.v1.statuses.create({ status: `hello ${other.handle}` });
      assert.deepEqual(s.mentions.map((m) => m.acct), [other.handle.slice(1)]);
      assert.ok(s.content.includes(`href="https://${other.host}:`), "the handle became a link to the remote profile");
    } finally {
      await other.stop();
    }
  });

  it("refuses resolve and offset without a token, and a token without read:search", async () => {
    const anon = caller(server, null);
    assert.equal((await anon("GET", "/api/v2/search?q=x&resolve=true")).status, 401);
    assert.equal((await anon("GET", "/api/v2/search?q=x&offset=5")).status, 401);
    assert.equal((await anon("GET", "/api/v2/search")).status, 400);
    assert.equal((await caller(server, "bad")("GET", "/api/v2/search?q=x")).status, 401);
    const writeOnly = caller(server, await tokenFor(server, alice.account.id, "write"));
    assert.equal((await writeOnly("GET", "/api/v2/search?q=x")).status, 403);
  });
});
