import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { hashToken } from "../../src/domain/tokens.ts";
import { testDialect } from "./db.ts";
import { startInstance, type WeftInstance } from "./instance.ts";
import { startPeer, type TestPeer } from "./peer.ts";

// The test network itself: if these fail, every federation test built on it means nothing.

describe("two independent peers over HTTPS", () => {
  let alice: TestPeer;
  let bob: TestPeer;

  before(async () => {
    alice = await startPeer({ username: "alice" });
    bob = await startPeer({ username: "bob" });
  });
  after(async () => {
    await alice?.stop();
    await bob?.stop();
  });

  test("each listens on its own loopback address, so handles carry host and port", () => {
    assert.match(alice.handle, /^@alice@127\.0\.0\.\d+:8443$/);
    assert.match(bob.handle, /^@bob@127\.0\.0\.\d+:8443$/);
    assert.notEqual(alice.host, bob.host);
  });

  test("finds the other by handle through WebFinger", async () => {
    const actor = await alice.resolveActor(bob.handle);
    assert.equal(actor.id?.href, bob.actorId);
    assert.equal(actor.inboxId?.href, bob.inbox);
  });

  test("a signed Follow arrives verified and is accepted", async () => {
    const follow = await alice.follow(bob.handle);
    const got = await bob.waitFor((a) => a.type === "Follow" && a.id === follow.id?.href);
    assert.equal(got.actor, alice.actorId);
    assert.equal(got.object, bob.actorId);
    assert.equal(got.recipient, "bob");
    assert.ok(bob.inboxRequests.some((r) => r.status === 202 && r.headers.signature), "signed like Mastodon");
    await alice.waitFor((a) => a.type === "Accept" && a.object === follow.id?.href);
    assert.equal(alice.followState(bob.actorId), "accepted");
    assert.deepEqual(bob.followers, [alice.actorId]);
  });

  test("a public Note reaches followers with Mastodon's addressing and its object can be fetched", async () => {
    const { id } = await bob.createNote({ content: "<p>hello from bob</p>", hashtags: ["weft"] });
    const got = await alice.waitFor((a) => a.type === "Create" && a.object === id);
    assert.equal(got.json.object.content, "<p>hello from bob</p>");
    assert.equal(got.json.object.to, "https://www.w3.org/ns/activitystreams#Public");
    assert.equal(got.json.object.cc, bob.followersUri);
    const fetched = await alice.lookup(id);
    assert.equal(fetched?.id?.href, id);
  });

  test("refuses an unsigned activity and one signed with someone else's key id", async () => {
    const before = alice.received.length;
    const forged = { "@context": "https://www.w3.org/ns/activitystreams", id: `${bob.actorId}#forged`, type: "Like", actor: bob.actorId, object: alice.actorId };
    const unsigned = await bob.sendRaw(alice.inbox, forged, { sign: false });
    assert.equal(unsigned.status, 401);
    const lying = await bob.sendRaw(alice.inbox, { ...forged, actor: alice.actorId }, { keyId: `${alice.actorId}#main-key` });
    assert.ok(lying.status >= 400, `got ${lying.status}`);
    assert.equal(alice.received.length, before, "neither reached the inbox listener");
  });
});

describe(`a Weft instance on the test network (${testDialect()})`, () => {
  let weft: WeftInstance;

  before(async () => {
    weft = await startInstance();
  });
  after(async () => {
    await weft?.destroy();
  });

  test("answers /health over HTTPS on its own loopback address", async () => {
    assert.match(weft.origin, /^https:\/\/127\.0\.0\.\d+:8443$/);
    const res = await weft.fetch("/health");
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "OK");
  });

  test("has a database, data directory and (in the Redis run) Redis database of its own", () => {
    assert.notEqual(weft.env.DATABASE_URL, process.env.DATABASE_URL);
    assert.notEqual(weft.env.WEFT_DATA_DIR, process.env.WEFT_DATA_DIR);
    if (process.env.REDIS_URL) assert.match(weft.env.REDIS_URL, /\/([1-9]|1[0-5])$/);
  });

  test("account create and token create work against its database", async () => {
    const account = await weft.createAccount("alice", { admin: true });
    assert.equal(account.handle, `@alice@${weft.domain}`);
    const row = await weft.db.db.selectFrom("accounts").selectAll().where("username", "=", "alice").executeTakeFirstOrThrow();
    assert.equal(row.domain, null);
    const token = await weft.token("alice");
    const stored = await weft.db.db
      .selectFrom("oauth_tokens")
      .selectAll()
      .where("token_hash", "=", hashToken(token))
      .executeTakeFirstOrThrow();
    assert.equal(stored.account_id, row.id);
  });

  test("its processes trust the test CA through NODE_EXTRA_CA_CERTS", async () => {
    const peer = await startPeer({ username: "carol" });
    try {
      const script = `fetch(process.argv[1], { headers: { accept: "application/activity+json" } }).then((r) => console.log(r.status), (e) => { console.log(e.cause?.code ?? e); process.exit(1); })`;
      const out = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ["-e", script, peer.actorId], { env: weft.env }, (err, stdout) =>
          err ? reject(new Error(stdout || String(err))) : resolve(stdout.trim()),
        ),
      );
      assert.equal(out, "200");
    } finally {
      await peer.stop();
    }
  });

  test("survives kill -9 and a restart with its data", async () => {
    await weft.kill9();
    assert.equal(weft.running, false);
    await assert.rejects(weft.fetch("/health", { signal: AbortSignal.timeout(2000) }));
    await weft.restart();
    assert.equal((await weft.fetch("/health")).status, 200);
    const list = await weft.cli(["account", "list"]);
    assert.match(list.stdout, /^alice\tadmin/m);
    await weft.stop();
    assert.equal(weft.running, false);
  });
});
