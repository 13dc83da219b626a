import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { preloadedContexts, type DocumentLoader } from "@fedify/vocab-runtime";
import { loadConfig } from "../../src/config.ts";
import { createWeftApp, type WeftApp } from "../../src/app.ts";
import { fetchObject, MisplacedObjectError, resolveAccount, resolveActorUri, resolveObjectUri } from "../../src/federation/lookup.ts";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";
import { startPeer, type TestPeer } from "../helpers/peer.ts";
import { eventually, localAccount, startWeft, storedRemoteAccount, type LocalWeft } from "./support.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../../../shared/fixtures/actors");
const AS = "https://www.w3.org/ns/activitystreams";

/** Serves the given documents by URL and nothing else: no test here reaches a real host. */
function offlineLoader(documents: Record<string, unknown>): DocumentLoader {
  return async (url) => {
    if (url in preloadedContexts) return { contextUrl: null, document: preloadedContexts[url], documentUrl: url };
    if (url in documents) return { contextUrl: null, document: documents[url], documentUrl: url };
    // Context documents of other servers (Lemmy's context.json, Pleroma's litepub): both build on the
    // security vocabulary; a stand-in with just that keeps keys readable and drops their own terms.
    if (/\.json(ld)?$|\/context|\/schemas\//.test(url)) {
      return { contextUrl: null, document: { "@context": ["https://w3id.org/security/v1", {}] }, documentUrl: url };
    }
    throw new Error(`offline: ${url}`);
  };
}

describe(`remote actors from real servers' documents (${testDialect()})`, () => {
  let t: TestDb;
  let app: WeftApp;

  before(async () => {
    t = await createTestDb();
    app = await createWeftApp(loadConfig({ ...t.env, WEFT_URL: "https://weft.test", LOG_LEVEL: "silent" }), { migrate: false });
  });
  after(async () => {
    await app?.close();
    await t?.drop();
  });

  const files = fs.existsSync(FIXTURES) ? fs.readdirSync(FIXTURES).filter((f) => f.endsWith(".json")) : [];
  if (files.length === 0) test.skip("shared/fixtures/actors is not there; skipped the real-world actor documents");

  for (const file of files) {
    test(`stores the ${file.replace(/\.json$/, "")} actor as an account`, async () => {
      const json = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8"));
      const loader = offlineLoader({ [json.id]: json });
      const account = await resolveActorUri(app, json.id, {
        documentLoader: loader,
        contextLoader: loader,
        lookupWebFinger: async () => null,
      });
      assert.ok(account, `${file} was stored`);
      assert.equal(account.uri, json.id);
      assert.equal(account.username, json.preferredUsername);
      assert.equal(account.domain, new URL(json.id).host);
      assert.equal(account.inbox_url, json.inbox);
      assert.equal(account.shared_inbox_url, json.endpoints?.sharedInbox ?? null);
      assert.equal(account.actor_type, json.type);
      if (json.publicKey?.publicKeyPem) {
        assert.match(account.public_key_pem ?? "", /^-----BEGIN PUBLIC KEY-----/);
        assert.equal(account.public_key_id, json.publicKey.id);
      }
      const icon = [json.icon].flat()[0];
      if (icon?.url) assert.ok(account.avatar_url, "has an avatar");
      assert.doesNotMatch(account.note, /<script|onerror=/i);
      for (const field of JSON.parse(account.fields) as Array<{ name: string; value: string }>) {
        assert.ok(field.name);
        assert.doesNotMatch(field.value, /<script|onerror=/i);
      }
      const again = await resolveActorUri(app, json.id, { documentLoader: loader, contextLoader: loader, refresh: "force", lookupWebFinger: async () => null });
      assert.equal(again?.id, account.id, "fetching it again updates the same account");
    });
  }

  test("keeps the Mastodon profile's fields, header and flags", { skip: !files.includes("mastodon.json") }, async () => {
    const account = await resolveActorUri(app, "https://mastodon.social/users/Gargron", { refresh: "never" });
    assert.ok(account);
    const fields = JSON.parse(account.fields);
    assert.equal(fields.length, 2);
    assert.ok(account.header_url);
    assert.equal(account.discoverable, 1);
    assert.equal(account.locked, 0);
  });

  test("refuses a document that claims to be something it was not fetched as", async () => {
    const real = { "@context": AS, id: "https://b.example/notes/1", type: "Note", content: "ok" };
    const liar = { "@context": AS, id: "https://c.example/notes/9", type: "Note", content: "forged" };
    const loader = offlineLoader({
      // A profile-page style URL whose document names its canonical id: fetched again from there.
      "https://b.example/@x/1": real,
      "https://b.example/notes/1": real,
      // A document naming an id whose own document names yet another one.
      "https://a.example/notes/1": { ...liar, id: "https://b.example/notes/2" },
      "https://b.example/notes/2": liar,
      "https://a.example/plain": { id: "https://a.example/plain", type: "Note" },
    });
    const options = { documentLoader: loader, contextLoader: loader };
    const followed = await fetchObject(app, "https://b.example/@x/1", options);
    assert.equal(followed?.id?.href, "https://b.example/notes/1");
    await assert.rejects(fetchObject(app, "https://a.example/notes/1", options), MisplacedObjectError);
    await assert.rejects(fetchObject(app, "https://a.example/plain", options), MisplacedObjectError, "not ActivityStreams JSON");
    assert.equal(await resolveObjectUri(app, "https://a.example/notes/1", options), null);
  });
});

describe(`resolving accounts over the network (${testDialect()})`, () => {
  let weft: LocalWeft;
  let peer: TestPeer;

  before(async () => {
    weft = await startWeft();
    peer = await startPeer({ username: "bob", others: ["erin"] });
    await localAccount(weft.app, "alice");
  });
  after(async () => {
    await peer?.stop();
    await weft?.stop();
  });

  test("finds a remote account by handle through WebFinger, in any of the usual spellings", async () => {
    const byHandle = await resolveAccount(weft.app, peer.handle);
    assert.ok(byHandle);
    assert.equal(byHandle.uri, peer.actorId);
    assert.equal(byHandle.username, "bob");
    assert.equal(byHandle.domain, peer.core.domain);
    assert.equal(byHandle.display_name, "Bob");
    for (const spelling of [`bob@${peer.core.domain}`, `acct:bob@${peer.core.domain}`, `@BOB@${peer.core.domain}`, peer.actorId]) {
      assert.equal((await resolveAccount(weft.app, spelling))?.id, byHandle.id, spelling);
    }
    assert.equal((await resolveAccount(weft.app, `@alice@${weft.domain}`))?.domain, null, "local handles are local accounts");
    assert.equal(await resolveAccount(weft.app, `@nobody@${peer.core.domain}`), null);
  });

  test("uses the stored copy for a day, then refreshes it", async () => {
    const db = weft.app.ctx.db;
    const uri = peer.actorId;
    await db.updateTable("accounts").set({ display_name: "Cached" }).where("uri", "=", uri).execute();
    assert.equal((await resolveAccount(weft.app, uri))?.display_name, "Cached");
    const dayAgo = new Date(Date.now() - 25 * 3600 * 1000).toISOString();
    await db.updateTable("accounts").set({ fetched_at: dayAgo }).where("uri", "=", uri).execute();
    const refreshed = await resolveAccount(weft.app, uri);
    assert.equal(refreshed?.display_name, "Bob");
    assert.ok(Date.parse(refreshed!.fetched_at!) > Date.parse(dayAgo));
  });

  test("a Delete from an actor whose key is already gone is checked at its origin", async () => {
    const erin = peer.as("erin");
    // Known from long ago, so its key is not cached here; then its server forgets it.
    const row = await storedRemoteAccount(weft.app, { uri: erin.actorId, username: "erin", domain: peer.core.domain });
    peer.core.profiles.delete("erin");
    const res = await erin.sendRaw(weft.url("/inbox"), {
      "@context": AS,
      id: `${erin.actorId}#delete`,
      type: "Delete",
      actor: erin.actorId,
      to: `${AS}#Public`,
      object: erin.actorId,
    });
    assert.equal(res.status, 202, res.body);
    await eventually(
      async () => (await weft.app.ctx.db.selectFrom("accounts").select("deleted_at").where("id", "=", row.id).executeTakeFirstOrThrow()).deleted_at,
      "erin's account to be marked deleted",
    );
  });

  test("an unverifiable Delete of an actor that still exists is refused", async () => {
    const bob = (await resolveAccount(weft.app, peer.actorId))!;
    const res = await peer.as("bob").sendRaw(
      weft.url("/inbox"),
      { "@context": AS, id: `${peer.actorId}#delete`, type: "Delete", actor: peer.actorId, object: peer.actorId },
      { keyId: `${peer.actorId}#no-such-key` },
    );
    assert.equal(res.status, 401);
    const row = await weft.app.ctx.db.selectFrom("accounts").select("deleted_at").where("id", "=", bob.id).executeTakeFirstOrThrow();
    assert.equal(row.deleted_at, null);
  });
});
