import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { detector } from "megalodon";
import { loadConfig } from "../../src/config.ts";
import { createWeftApp, type WeftApp } from "../../src/app.ts";
import { createHttpApp } from "../../src/http.ts";
import { deleteLocalAccount } from "../../src/domain/account-deletion.ts";
import { newId, nowIso } from "../../src/domain/ids.ts";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";
import { AS_JSON, localAccount, startWeft, type LocalWeft } from "./support.ts";

const ORIGIN = "https://weft.test";

describe(`actors, WebFinger and NodeInfo as other servers see them (${testDialect()})`, () => {
  let t: TestDb;
  let app: WeftApp;
  let http: ReturnType<typeof createHttpApp>;
  const get = (path: string, accept = AS_JSON) => http.fetch(new Request(`${ORIGIN}${path}`, { headers: { accept } }));
  const json = async (path: string, accept = AS_JSON) => {
    const res = await get(path, accept);
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return res.json();
  };

  before(async () => {
    t = await createTestDb();
    app = await createWeftApp(loadConfig({ ...t.env, WEFT_URL: ORIGIN, LOG_LEVEL: "silent" }), { migrate: false });
    http = createHttpApp(app);
    // Local profiles are stored as typed; the actor carries them rendered, as the client API does.
    const alice = await localAccount(app, "alice", {
      note: "Hello <you> & #Weft",
      fields: JSON.stringify([
        { name: "Site", value: "https://alice.example.com", verified_at: null },
        { name: "Pronouns", value: "she/her", verified_at: null },
      ]),
    });
    await app.ctx.db.updateTable("accounts").set({ statuses_count: 3 }).where("id", "=", alice.id).execute();
    // Two followers (one remote) and one followee, through rows the follow code would have written.
    const remote = await remoteRow("carol", "remote.example");
    const bob = await localAccount(app, "bob");
    for (const [from, to] of [[remote.id, alice.id], [bob.id, alice.id], [alice.id, bob.id]]) {
      await app.ctx.db
        .insertInto("follows")
        .values({ id: newId(), account_id: from, target_account_id: to, uri: null, show_reblogs: 1, notify: 0, created_at: nowIso() })
        .execute();
    }
    await app.ctx.db.updateTable("accounts").set({ followers_count: 2, following_count: 1 }).where("id", "=", alice.id).execute();
    await localAccount(app, "robot", { bot: 1 });
    await localAccount(app, "hermit", { federating: 0 });
    const gone = await localAccount(app, "gone");
    await deleteLocalAccount(app.ctx, gone.id);
  });
  after(async () => {
    await app?.close();
    await t?.drop();
  });

  async function remoteRow(username: string, domain: string) {
    const now = nowIso();
    const row = {
      id: newId(), username, domain, uri: `https://${domain}/users/${username}`, url: null,
      inbox_url: `https://${domain}/users/${username}/inbox`, shared_inbox_url: `https://${domain}/inbox`, outbox_url: null,
      followers_url: null, following_url: null, featured_url: null, actor_type: "Person", display_name: "", note: "",
      avatar_url: null, header_url: null, fields: "[]", emojis: "[]", locked: 0, bot: 0, discoverable: 1, indexable: 1,
      federating: 1, public_key_pem: null, public_key_id: null, followers_count: 0, following_count: 0,
      statuses_count: 0, last_status_at: null, created_at: now, updated_at: now, fetched_at: now, deleted_at: null,
    };
    await app.ctx.db.insertInto("accounts").values(row).execute();
    return row;
  }

  test("serves a local account as a Person with its keys, profile and collection links", async () => {
    const actor = await json("/users/alice");
    assert.equal(actor.id, `${ORIGIN}/users/alice`);
    assert.equal(actor.type, "Person");
    assert.equal(actor.preferredUsername, "alice");
    assert.equal(actor.name, "Alice");
    assert.equal(
      actor.summary,
      `<p>Hello &lt;you&gt; &amp; <a href="${ORIGIN}/tags/Weft" class="mention hashtag" rel="tag">#<span>Weft</span></a></p>`,
    );
    assert.equal(actor.url, `${ORIGIN}/@alice`);
    assert.equal(actor.inbox, `${ORIGIN}/users/alice/inbox`);
    assert.equal(actor.outbox, `${ORIGIN}/users/alice/outbox`);
    assert.equal(actor.followers, `${ORIGIN}/users/alice/followers`);
    assert.equal(actor.following, `${ORIGIN}/users/alice/following`);
    assert.equal(actor.featured, `${ORIGIN}/users/alice/collections/featured`);
    assert.equal(actor.endpoints.sharedInbox, `${ORIGIN}/inbox`);
    assert.equal(actor.manuallyApprovesFollowers, false);
    assert.equal(actor.discoverable, true);
    assert.equal(actor.indexable, true);
    assert.ok(Date.parse(actor.published) > 0);
    const [site, pronouns] = [actor.attachment].flat();
    assert.equal(site.type, "PropertyValue");
    assert.equal(site.name, "Site");
    assert.match(site.value, /^<a href="https:\/\/alice\.example\.com" target="_blank" rel="me nofollow noopener" translate="no">.*alice\.example\.com.*<\/a>$/);
    assert.deepEqual(pronouns, { type: "PropertyValue", name: "Pronouns", value: "she/her" });
    // RSA for HTTP Signatures under the id Mastodon expects, Ed25519 as a Multikey for proofs.
    assert.equal(actor.publicKey.id, `${ORIGIN}/users/alice#main-key`);
    assert.equal(actor.publicKey.owner, actor.id);
    assert.match(actor.publicKey.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
    const multikeys = [actor.assertionMethod].flat();
    assert.equal(multikeys.length, 2);
    assert.ok(multikeys.some((k: { publicKeyMultibase: string }) => k.publicKeyMultibase.startsWith("z6Mk")), "an Ed25519 key");
    const context = JSON.stringify(actor["@context"]);
    assert.match(context, /"toot":"http:\/\/joinmastodon.org\/ns#"/);
    assert.match(context, /"indexable":"toot:indexable"/);
  });

  test("serves a bot account as a Service", async () => {
    assert.equal((await json("/users/robot")).type, "Service");
  });

  test("collections carry their counts, and the followers pages list follower URIs", async () => {
    const followers = await json("/users/alice/followers");
    assert.equal(followers.type, "OrderedCollection");
    assert.equal(followers.totalItems, 2);
    const page = await json(new URL(followers.first).pathname + new URL(followers.first).search);
    assert.deepEqual([page.orderedItems].flat().sort(), ["https://remote.example/users/carol", `${ORIGIN}/users/bob`]);
    const following = await json("/users/alice/following");
    assert.equal(following.totalItems, 1);
    const followingPage = await json(new URL(following.first).pathname + new URL(following.first).search);
    assert.deepEqual([followingPage.orderedItems].flat(), [`${ORIGIN}/users/bob`]);
    assert.equal((await json("/users/alice/outbox")).totalItems, 3);
    const featured = await json("/users/alice/collections/featured");
    assert.equal(featured.type, "OrderedCollection");
    assert.equal(featured.totalItems, 0);
  });

  test("a deleted account answers 410 with a Tombstone; a non-federating one is not there", async () => {
    const gone = await get("/users/gone");
    assert.equal(gone.status, 410);
    const tombstone = await gone.json();
    assert.equal(tombstone.type, "Tombstone");
    assert.equal(tombstone.id, `${ORIGIN}/users/gone`);
    assert.equal((await get("/users/hermit")).status, 404);
    assert.equal((await get("/users/hermit/followers")).status, 404);
    assert.equal((await get("/users/nobody")).status, 404);
  });

  test("an HTML request for an actor falls through to the web routes", async () => {
    const res = await get("/users/alice", "text/html");
    assert.notEqual(res.headers.get("content-type"), AS_JSON);
    assert.doesNotMatch(await res.text(), /"preferredUsername"/);
  });

  test("WebFinger finds an account by handle in any case and names it canonically", async () => {
    for (const resource of [`acct:alice@weft.test`, `acct:ALICE@weft.test`, `acct:Alice@WEFT.TEST`]) {
      const jrd = await json(`/.well-known/webfinger?resource=${encodeURIComponent(resource)}`, "application/jrd+json");
      assert.equal(jrd.subject, "acct:alice@weft.test", resource);
      assert.deepEqual(
        jrd.links.find((l: { rel: string }) => l.rel === "self"),
        { rel: "self", href: `${ORIGIN}/users/alice`, type: AS_JSON },
      );
      const profile = jrd.links.filter((l: { rel: string }) => l.rel === "http://webfinger.net/rel/profile-page");
      assert.deepEqual(profile, [{ rel: "http://webfinger.net/rel/profile-page", href: `${ORIGIN}/@alice`, type: "text/html" }]);
    }
    const byUri = await json(`/.well-known/webfinger?resource=${encodeURIComponent(`${ORIGIN}/users/alice`)}`, "application/jrd+json");
    assert.ok(byUri.aliases.includes("acct:alice@weft.test"));
  });

  test("WebFinger does not know deleted, non-federating or other servers' accounts", async () => {
    for (const resource of ["acct:gone@weft.test", "acct:hermit@weft.test", "acct:nobody@weft.test", "acct:alice@elsewhere.test", `${ORIGIN}/users/gone`]) {
      const res = await get(`/.well-known/webfinger?resource=${encodeURIComponent(resource)}`, "application/jrd+json");
      assert.equal(res.status, 404, resource);
    }
  });

  test("host-meta points at WebFinger on the same origin", async () => {
    const res = await get("/.well-known/host-meta", "application/xrd+xml");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /application\/xrd\+xml/);
    assert.match(await res.text(), /template="https:\/\/weft\.test\/\.well-known\/webfinger\?resource=\{uri\}"/);
    const jrd = await json("/.well-known/host-meta.json", "application/json");
    assert.deepEqual(jrd.links, [{ rel: "lrdd", template: `${ORIGIN}/.well-known/webfinger?resource={uri}` }]);
  });

  test("NodeInfo 2.1 counts users, activity and local posts, and names the software Weft", async () => {
    const now = Date.now();
    const users = await app.ctx.db.selectFrom("accounts").select(["id", "username"]).where("domain", "is", null).execute();
    const id = (name: string) => users.find((u) => u.username === name)!.id;
    const at = (days: number) => new Date(now - days * 86_400_000).toISOString();
    await app.ctx.db.updateTable("users").set({ last_active_at: at(1) }).where("account_id", "=", id("alice")).execute();
    await app.ctx.db.updateTable("users").set({ last_active_at: at(90) }).where("account_id", "=", id("bob")).execute();
    await app.ctx.db.updateTable("users").set({ last_active_at: at(400) }).where("account_id", "=", id("robot")).execute();
    for (const [i, local] of [1, 1, 0].entries()) {
      await app.ctx.db
        .insertInto("statuses")
        .values({
          id: newId(), uri: `${ORIGIN}/s/${i}`, account_id: local ? id("alice") : (await remoteRow(`x${i}`, "r.example")).id,
          local, content: "x", spoiler_text: "", sensitive: 0, visibility: "public", replies_count: 0, reblogs_count: 0,
          favourites_count: 0, created_at: nowIso(),
        })
        .execute();
    }

    const links = await json("/.well-known/nodeinfo", "application/json");
    const link = links.links.find((l: { rel: string }) => l.rel === "http://nodeinfo.diaspora.software/ns/schema/2.1");
    assert.equal(link.href, `${ORIGIN}/nodeinfo/2.1`);
    const info = await json("/nodeinfo/2.1", "application/json");
    assert.equal(info.version, "2.1");
    assert.equal(info.software.name, "weft");
    assert.equal(info.software.version, "0.1.0");
    assert.deepEqual(info.protocols, ["activitypub"]);
    // alice, bob, robot, hermit; the deleted account does not count.
    assert.deepEqual(info.usage.users, { total: 4, activeMonth: 1, activeHalfyear: 2 });
    assert.equal(info.usage.localPosts, 2);
    assert.equal(info.openRegistrations, true);
    assert.equal(info.metadata.nodeName, "Weft");
    assert.deepEqual(info.metadata.upstream, { name: "mastodon", version: "4.3.0" });

    await app.ctx.db.insertInto("instance_settings").values({ key: "registrations_mode", value: '"closed"' }).execute();
    assert.equal((await json("/nodeinfo/2.1", "application/json")).openRegistrations, false);
  });
});

describe(`client detection (${testDialect()})`, () => {
  let weft: LocalWeft;
  before(async () => {
    weft = await startWeft();
  });
  after(async () => {
    await weft?.stop();
  });

  test("megalodon's NodeInfo detector sees a Mastodon-compatible server", async () => {
    assert.equal(await detector(weft.origin), "mastodon");
  });
});
