import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config.ts";
import { createWeftApp, type WeftApp } from "../../src/app.ts";
import { createHttpApp } from "../../src/http.ts";
import { newId, nowIso } from "../../src/domain/ids.ts";
import { createLocalStatus, type Status } from "../../src/domain/statuses.ts";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";
import { makeAccount, makeMedia } from "../helpers/factories.ts";
import { AS_JSON, localAccount } from "./support.ts";

const ORIGIN = "https://weft.test";
const TOOT = "http://joinmastodon.org/ns#";

/** Every term defined by the inline maps of a document's @context. */
function contextTerms(doc: { "@context": unknown }): Record<string, unknown> {
  const list = Array.isArray(doc["@context"]) ? doc["@context"] : [doc["@context"]];
  return Object.assign({}, ...list.filter((c) => c && typeof c === "object"));
}

/** What a compact term expands to, following one prefix (toot:blurhash → http://joinmastodon.org/ns#blurhash). */
function expands(terms: Record<string, unknown>, term: string): string | undefined {
  const def = terms[term];
  const id = typeof def === "string" ? def : (def as { "@id"?: string } | undefined)?.["@id"];
  if (!id) return undefined;
  const [prefix, rest] = id.split(":");
  if (prefix === "as") return `https://www.w3.org/ns/activitystreams#${rest}`;
  const base = terms[prefix];
  return typeof base === "string" && rest !== undefined && !id.startsWith("http") ? base + rest : id;
}

/*
 * What Weft serves, against what Mastodon sends and reads (compare a real Mastodon actor and Note
 * in the shared fixtures): the fields Mastodon looks for, and @context terms that make the compact
 * keys mean what Mastodon means by them.
 */
describe(`served actor and Note JSON carry what Mastodon reads (${testDialect()})`, () => {
  let t: TestDb;
  let app: WeftApp;
  let http: ReturnType<typeof createHttpApp>;
  let post: Status;
  const json = async (path: string) => {
    const res = await http.fetch(new Request(`${ORIGIN}${path}`, { headers: { accept: AS_JSON } }));
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return res.json();
  };

  before(async () => {
    t = await createTestDb();
    app = await createWeftApp(loadConfig({ ...t.env, WEFT_URL: ORIGIN, LOG_LEVEL: "silent" }), { migrate: false });
    http = createHttpApp(app);
    const alice = await localAccount(app, "alice", {
      fields: JSON.stringify([{ name: "Pronouns", value: "she/her", verified_at: null }]),
    });
    await app.ctx.db
      .updateTable("accounts")
      .set({ avatar_url: `${ORIGIN}/system/avatars/a.png`, header_url: `${ORIGIN}/system/headers/h.jpg` })
      .where("id", "=", alice.id)
      .execute();
    await makeAccount(app.ctx.db, { username: "carol", domain: "remote.example" });
    post = await createLocalStatus(app.ctx, {
      accountId: alice.id,
      text: "Hello @carol@remote.example #Weft",
      language: "en",
      spoilerText: "a warning",
      sensitive: true,
    });
    await makeMedia(app.ctx.db, post as never, {
      meta: JSON.stringify({ original: { width: 640, height: 480 }, focus: { x: 0.5, y: -0.25 } }),
    });
    const tag = await app.ctx.db.selectFrom("tags").select("id").where("name", "=", "weft").executeTakeFirstOrThrow();
    await app.ctx.db.insertInto("featured_tags").values({ id: newId(), account_id: alice.id, tag_id: tag.id, created_at: nowIso() }).execute();
  });
  after(async () => {
    await app?.close();
    await t?.drop();
  });

  test("the actor has Mastodon's profile fields, collections and keys", async () => {
    const actor = await json("/users/alice");
    assert.equal(actor.featured, `${ORIGIN}/users/alice/collections/featured`);
    assert.equal(actor.featuredTags, `${ORIGIN}/users/alice/collections/tags`);
    assert.equal(actor.discoverable, true);
    assert.equal(actor.indexable, true);
    assert.equal(actor.memorial, false);
    assert.equal(actor.manuallyApprovesFollowers, false);
    assert.match(actor.published, /^\d{4}-\d\d-\d\dT/);
    assert.equal(actor.endpoints.sharedInbox, `${ORIGIN}/inbox`);
    const fields = [actor.attachment].flat();
    assert.deepEqual(fields, [{ type: "PropertyValue", name: "Pronouns", value: "she/her" }]);
    assert.deepEqual(actor.icon, { type: "Image", mediaType: "image/png", url: `${ORIGIN}/system/avatars/a.png` });
    assert.deepEqual(actor.image, { type: "Image", mediaType: "image/jpeg", url: `${ORIGIN}/system/headers/h.jpg` });
    assert.equal(actor.publicKey.id, `${ORIGIN}/users/alice#main-key`);
    assert.equal(actor.publicKey.owner, `${ORIGIN}/users/alice`);
    assert.match(actor.publicKey.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
    const multikeys = [actor.assertionMethod].flat();
    const ed25519 = multikeys.find((k: { publicKeyMultibase: string }) => k.publicKeyMultibase.startsWith("z6Mk"));
    assert.ok(ed25519, "an Ed25519 Multikey (FEP-521a)");
    assert.equal(ed25519.type, "Multikey");
    assert.equal(ed25519.controller, `${ORIGIN}/users/alice`);

    const terms = contextTerms(actor);
    for (const term of ["discoverable", "indexable", "featured", "featuredTags", "memorial", "focalPoint", "Emoji"]) {
      assert.equal(expands(terms, term), `${TOOT}${term}`, `@context defines ${term}`);
    }
    assert.equal(expands(terms, "PropertyValue"), "http://schema.org#PropertyValue");
  });

  test("the featured tags collection lists the account's hashtags", async () => {
    const tags = await json("/users/alice/collections/tags");
    const items = tags.orderedItems ?? tags.items;
    const hashtags = [items].flat().map(({ type, href, name }) => ({ type, href, name }));
    assert.deepEqual(hashtags, [{ type: "Hashtag", href: `${ORIGIN}/tags/weft`, name: "#Weft" }]);
  });

  test("a Note has contentMap, sensitive, its tags and its attachment with blurhash and focal point", async () => {
    const note = await json(new URL(post.uri).pathname);
    assert.equal(note.type, "Note");
    assert.equal(note.sensitive, true);
    assert.equal(note.summary, "a warning");
    assert.equal(note.contentMap.en, note.content);
    assert.equal(note.url, `${ORIGIN}/@alice/${post.id}`);
    const tags = [note.tag].flat();
    assert.ok(tags.some((t) => t.type === "Mention" && t.href === "https://remote.example/users/carol" && t.name === "@carol@remote.example"));
    assert.ok(tags.some((t) => t.type === "Hashtag" && t.href === `${ORIGIN}/tags/weft`));
    const [media] = [note.attachment].flat();
    assert.equal(media.type, "Document");
    assert.equal(media.mediaType, "image/png");
    assert.equal(media.name, "a picture");
    assert.equal(media.blurhash, "LEHV6nWB2yk8pyo0adR*.7kCMdnj");
    assert.deepEqual(media.focalPoint, [0.5, -0.25]);
    assert.equal(media.width, 640);

    const terms = contextTerms(note);
    assert.equal(expands(terms, "sensitive"), "https://www.w3.org/ns/activitystreams#sensitive");
    assert.equal(expands(terms, "Hashtag"), "https://www.w3.org/ns/activitystreams#Hashtag");
    for (const term of ["Emoji", "blurhash", "focalPoint", "votersCount"]) {
      assert.equal(expands(terms, term), `${TOOT}${term}`, `@context defines ${term}`);
    }
  });

  test("the Create served at …/activity carries the same extras", async () => {
    const create = await json(`${new URL(post.uri).pathname}/activity`);
    assert.equal(create.type, "Create");
    const [media] = [create.object.attachment].flat();
    assert.equal(media.blurhash, "LEHV6nWB2yk8pyo0adR*.7kCMdnj");
    assert.equal(expands(contextTerms(create), "blurhash"), `${TOOT}blurhash`);
  });
});
