import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { signRequest } from "@fedify/fedify";
import { Note } from "@fedify/vocab";
import { loadConfig } from "../../src/config.ts";
import { createWeftApp, type WeftApp } from "../../src/app.ts";
import { createHttpApp } from "../../src/http.ts";
import type { Account } from "../../src/domain/accounts.ts";
import { createLocalStatus, type Status } from "../../src/domain/statuses.ts";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";
import { startPeer, type TestPeer } from "../helpers/peer.ts";
import { AS_JSON, eventually, localAccount, startWeft, type LocalWeft } from "./support.ts";

const COLLECTIONS = ["/users/alice/followers", "/users/alice/following", "/users/alice/outbox", "/users/alice/collections/featured"];

describe(`secure mode off, the default (${testDialect()})`, () => {
  let t: TestDb;
  let app: WeftApp;
  let http: ReturnType<typeof createHttpApp>;
  let post: Status;
  const get = (path: string) => http.fetch(new Request(`https://weft.test${path}`, { headers: { accept: AS_JSON } }));

  before(async () => {
    t = await createTestDb();
    app = await createWeftApp(loadConfig({ ...t.env, WEFT_URL: "https://weft.test", LOG_LEVEL: "silent" }), { migrate: false });
    http = createHttpApp(app);
    const alice = await localAccount(app, "alice", { note: "bio" });
    post = await createLocalStatus(app.ctx, { accountId: alice.id, text: "open to all" });
  });
  after(async () => {
    await app?.close();
    await t?.drop();
  });

  test("serves actors, posts and collections to unsigned requests", async () => {
    const actor = await (await get("/users/alice")).json();
    assert.equal(actor.summary, "<p>bio</p>");
    assert.equal(actor.outbox, "https://weft.test/users/alice/outbox");
    assert.equal((await get(new URL(post.uri).pathname)).status, 200);
    for (const path of COLLECTIONS) assert.equal((await get(path)).status, 200, path);
  });
});

describe(`secure mode: WEFT_AUTHORIZED_FETCH=true (${testDialect()})`, () => {
  let weft: LocalWeft;
  let peer: TestPeer;
  let alice: Account;
  let post: Status;
  const unsigned = (path: string) => weft.fetch(path, { headers: { accept: AS_JSON } });
  /** A GET signed by the peer's gina, as her server would send it. */
  const signed = async (path: string) => {
    const [rsa] = await peer.core.context().getActorKeyPairs("gina");
    const request = new Request(weft.url(path), { headers: { accept: AS_JSON } });
    return fetch(await signRequest(request, rsa.privateKey, rsa.keyId, { spec: "draft-cavage-http-signatures-12" }));
  };

  before(async () => {
    weft = await startWeft({ WEFT_AUTHORIZED_FETCH: "true" });
    // A peer that is strict too: each side must sign to read the other's keys.
    peer = await startPeer({ username: "gina", requireSignedFetch: true });
    alice = await localAccount(weft.app, "alice", { note: "private-ish bio", display_name: "Alice Liddell" });
    post = await createLocalStatus(weft.app.ctx, { accountId: alice.id, text: "for signed eyes" });
  });
  after(async () => {
    await peer?.stop();
    await weft?.stop();
  });

  test("an unsigned GET of a post or a collection is refused with 401", async () => {
    const res = await unsigned(new URL(post.uri).pathname);
    assert.equal(res.status, 401);
    assert.match(res.headers.get("vary") ?? "", /Signature/);
    assert.equal((await unsigned(`${new URL(post.uri).pathname}/activity`)).status, 401);
    for (const path of COLLECTIONS) assert.equal((await unsigned(path)).status, 401, path);
  });

  test("an unsigned GET of an actor gets only its keys, inbox and name, as Mastodon serves it", async () => {
    const res = await unsigned("/users/alice");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("vary") ?? "", /Signature/);
    const actor = await res.json();
    assert.equal(actor.id, weft.url("/users/alice"));
    assert.equal(actor.type, "Person");
    assert.equal(actor.preferredUsername, "alice");
    assert.equal(actor.inbox, weft.url("/users/alice/inbox"));
    assert.equal(actor.endpoints.sharedInbox, weft.url("/inbox"));
    assert.equal(actor.publicKey.id, weft.url("/users/alice#main-key"));
    for (const hidden of ["name", "summary", "outbox", "followers", "following", "featured", "attachment", "published"]) {
      assert.equal(actor[hidden], undefined, `${hidden} is not shown unsigned`);
    }
  });

  test("the instance actor, WebFinger and NodeInfo stay open", async () => {
    const instance = await unsigned("/actor");
    assert.equal(instance.status, 200);
    assert.equal((await instance.json()).type, "Application");
    const jrd = await weft.fetch(`/.well-known/webfinger?resource=acct:alice@${weft.domain}`);
    assert.equal(jrd.status, 200);
    const self = (await jrd.json()).links.find((l: { rel: string }) => l.rel === "self");
    assert.equal(self.href, weft.url("/users/alice"));
    assert.equal((await weft.fetch("/.well-known/nodeinfo")).status, 200);
    assert.equal((await weft.fetch("/nodeinfo/2.1")).status, 200);
  });

  test("a signed GET gets the whole actor, the post and the collections", async () => {
    const actor = await (await signed("/users/alice")).json();
    assert.equal(actor.name, "Alice Liddell");
    assert.equal(actor.summary, "<p>private-ish bio</p>");
    const note = await signed(new URL(post.uri).pathname);
    assert.equal(note.status, 200);
    assert.match((await note.json()).content, /for signed eyes/);
    for (const path of COLLECTIONS) assert.equal((await signed(path)).status, 200, path);
  });

  test("a GET with a signature that does not verify is refused", async () => {
    const [rsa] = await peer.core.context().getActorKeyPairs("gina");
    const request = new Request(weft.url(new URL(post.uri).pathname), { headers: { accept: AS_JSON } });
    const forged = await signRequest(request, rsa.privateKey, new URL("/users/nobody#main-key", peer.actorId));
    assert.equal((await fetch(forged)).status, 401);
  });

  test("two strict servers still follow each other and read each other's posts", async () => {
    await peer.follow(`@alice@${weft.domain}`);
    await eventually(async () => peer.followState(weft.url("/users/alice")) === "accepted", "Weft to accept gina's follow");
    const found = await peer.lookup(post.uri);
    assert.ok(found instanceof Note);
    assert.match(String(found.content), /for signed eyes/);
  });
});
