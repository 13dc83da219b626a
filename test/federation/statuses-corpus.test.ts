import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { InProcessMessageQueue, MemoryKvStore } from "@fedify/fedify";
import {
  Activity,
  Announce,
  Create,
  Delete,
  EmojiReact,
  isActor,
  Like,
  Object as APObject,
  Undo,
  Update,
  type DocumentLoader,
} from "@fedify/vocab";
import { getDocumentLoader } from "@fedify/vocab-runtime";
import { getStatusByUri } from "../../src/domain/statuses.ts";
import { htmlToPlainText } from "../../src/domain/text/index.ts";
import { buildFederation, type WeftFederation } from "../../src/federation/index.ts";
import type { InboxCtx } from "../../src/federation/gate.ts";
import { onAnnounce } from "../../src/federation/inbox/announce.ts";
import { onCreate } from "../../src/federation/inbox/create.ts";
import { onDeleteStatus } from "../../src/federation/inbox/delete.ts";
import { onLike } from "../../src/federation/inbox/like.ts";
import { onUndo } from "../../src/federation/inbox/undo.ts";
import { onUpdateStatus } from "../../src/federation/inbox/update.ts";
import { storeActor } from "../../src/federation/lookup.ts";
import { fromNote, isPostObject } from "../../src/federation/mappers/note-in.ts";
import { createTestDb, type TestDb } from "../helpers/db.ts";
import { domainCtx, remoteAccount } from "../domain/support.ts";

/*
 * Every Note, Page, Article, Video, Question and every Create/Update/Delete/Like/Announce/Undo in
 * the real-world corpus goes through fromNote and through the inbox listeners. Documents they
 * refer to are served from the corpus itself; the network is switched off for this process, so
 * nothing here ever reaches a real host. Each payload is stored as far as it is understood, or
 * ignored; none may crash a listener.
 *
 * The listeners are called with an inbox context built from the real federation (its context
 * loader, parseUri) and a document loader over the corpus: signature checks are Fedify's job and
 * are covered over HTTPS in statuses-e2e.test.ts.
 */

const CORPUS = path.resolve(import.meta.dirname, "../../../shared/fixtures/lemmy-corpus");
const haveCorpus = fs.existsSync(CORPUS);

const AS = "https://www.w3.org/ns/activitystreams";
// Pleroma's context is not among Fedify's preloaded ones; this stand-in declares the terms its payloads use.
const LITEPUB = {
  "@context": [
    AS,
    "https://w3id.org/security/v1",
    {
      litepub: "http://litepub.social/ns#",
      toot: "http://joinmastodon.org/ns#",
      sensitive: "as:sensitive",
      Hashtag: "as:Hashtag",
      Emoji: "toot:Emoji",
      ChatMessage: "litepub:ChatMessage",
      EmojiReact: "litepub:EmojiReact",
      directMessage: "litepub:directMessage",
      conversation: { "@id": "ostatus:conversation", "@type": "@id" },
      ostatus: "http://ostatus.org#",
    },
  ],
};

interface Fixture {
  file: string;
  json: Record<string, any>;
}

function loadCorpus(): Fixture[] {
  const out: Fixture[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith(".json")) {
        const json = JSON.parse(fs.readFileSync(p, "utf8"));
        // Lemmy's asset files leave out the @context its server sends with them.
        if (!json["@context"]) json["@context"] = [AS, "https://join-lemmy.org/context.json"];
        out.push({ file: path.relative(CORPUS, p), json });
      }
    }
  };
  walk(CORPUS);
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

const POST_TYPES = new Set(["Note", "Page", "Article", "Video", "Question", "ChatMessage", "Tombstone"]);
const ACTOR_TYPES = new Set(["Person", "Group", "Organization", "Service", "Application"]);
// Creates first, so the Likes, Updates, Undos and Deletes that follow find what they refer to.
const ACTIVITY_ORDER = ["Create", "Announce", "Update", "Like", "Dislike", "EmojiReact", "Undo", "Delete"];

let db: TestDb;
let ctx: ReturnType<typeof domainCtx>;
let federation: WeftFederation;
let fixtures: Fixture[] = [];
let documentLoader: DocumentLoader;
let contextLoader: DocumentLoader;
const realFetch = globalThis.fetch;

before(async () => {
  if (!haveCorpus) return;
  globalThis.fetch = (input: RequestInfo | URL) =>
    Promise.reject(new TypeError(`network is off in the corpus test (${input instanceof Request ? input.url : String(input)})`));
  fixtures = loadCorpus();
  const byId = new Map<string, Record<string, any>>();
  for (const f of fixtures) if (typeof f.json.id === "string") byId.set(f.json.id, f.json);
  documentLoader = async (url: string) => {
    const document = byId.get(url);
    if (!document) throw new Error(`not in the corpus: ${url}`);
    return { contextUrl: null, document, documentUrl: url };
  };
  const preloaded = getDocumentLoader();
  contextLoader = async (url: string) =>
    /litepub-0\.1\.jsonld$/.test(url) ? { contextUrl: null, document: LITEPUB, documentUrl: url } : preloaded(url);

  db = await createTestDb();
  ctx = domainCtx(db);
  federation = await buildFederation({ ctx, kv: new MemoryKvStore(), queue: new InProcessMessageQueue() });
  // The actors of the corpus, stored as a lookup would store them.
  for (const f of fixtures.filter((x) => ACTOR_TYPES.has(x.json.type))) {
    const actor = await APObject.fromJsonLd(f.json, { documentLoader, contextLoader }).catch(() => null);
    if (actor && isActor(actor)) await storeActor({ federation, ctx }, actor, { documentLoader, contextLoader }).catch(() => null);
  }
});

after(async () => {
  globalThis.fetch = realFetch;
  if (db) await db.drop();
});

function inboxContext(): InboxCtx {
  const fctx = federation.createContext(new URL(ctx.config.url.origin), ctx);
  return {
    data: ctx,
    federation,
    documentLoader,
    contextLoader,
    recipient: null,
    origin: fctx.origin,
    parseUri: (u: URL | null) => fctx.parseUri(u),
  } as unknown as InboxCtx;
}

/** An actor the corpus only names, stored with what its URI tells. */
async function ensureActor(uri: string): Promise<void> {
  if (await ctx.db.selectFrom("accounts").select("id").where("uri", "=", uri).executeTakeFirst()) return;
  const u = new URL(uri);
  const username = u.pathname.split("/").filter(Boolean).pop() ?? "someone";
  const account = await remoteAccount(ctx, `${username}_${Math.random().toString(36).slice(2, 6)}`, u.host);
  await ctx.db.updateTable("accounts").set({ uri, followers_url: `${uri}/followers` }).where("id", "=", account.id).execute();
}

async function dispatch(ictx: InboxCtx, activity: Activity): Promise<void> {
  if (activity instanceof Create) return onCreate(ictx, activity);
  if (activity instanceof Announce) return onAnnounce(ictx, activity);
  if (activity instanceof Update) return onUpdateStatus(ictx, activity);
  if (activity instanceof Like || activity instanceof EmojiReact) return onLike(ictx, activity);
  if (activity instanceof Undo) return onUndo(ictx, activity);
  if (activity instanceof Delete) return onDeleteStatus(ictx, activity);
}

describe("the real-world corpus", { skip: haveCorpus ? false : `no corpus at ${CORPUS}` }, () => {
  it("reads every post object with fromNote, or says it is no post", async () => {
    const objects = fixtures.filter((f) => POST_TYPES.has(f.json.type));
    assert.ok(objects.length >= 15, `found ${objects.length} post objects`);
    const author = await remoteAccount(ctx, "corpus_author", "corpus.test");
    for (const f of objects) {
      const object = await APObject.fromJsonLd(f.json, { documentLoader, contextLoader });
      const data = await fromNote(ctx, object, { accountId: author.id, raw: f.json });
      if (!isPostObject(object)) {
        assert.equal(data, null, `${f.file}: ${f.json.type} is not a post`);
        continue;
      }
      assert.ok(data, `${f.file} was read`);
      assert.equal(data.uri, f.json.id);
      const text = htmlToPlainText(data.content);
      assert.ok(text.length > 0 || data.media.length > 0 || data.poll, `${f.file} kept some content`);
      if (f.json.name && f.json.type !== "Note") assert.ok(text.includes(String(f.json.name).slice(0, 20)), `${f.file}: title line`);
      assert.doesNotMatch(data.content, /<script|onerror=|javascript:/i, `${f.file} sanitised`);
    }
  });

  it("reads a Page's title, text, link and language (Lemmy)", async () => {
    const page = fixtures.find((f) => f.file === "lemmy/objects/page_image_and_link.json")!;
    const author = await remoteAccount(ctx, "lemmy_reader", "corpus2.test");
    const data = await fromNote(ctx, await APObject.fromJsonLd(page.json, { contextLoader }), { accountId: author.id, raw: page.json });
    assert.ok(data);
    assert.match(data.content, /<strong>Post with image and link<\/strong>/);
    assert.match(data.content, /href="https:\/\/example\.com\/some-article"/);
    assert.equal(data.visibility, "public");
    assert.equal(data.language, "fr");
    assert.deepEqual(data.media.map((m) => m.url), ["https://enterprise.lemmy.ml/pictrs/image/eOtYb9iEiB.png"]);
  });

  it("passes every status activity through the inbox listeners without a crash, storing what it understands", async () => {
    const rank = (t: string) => (ACTIVITY_ORDER.includes(t) ? ACTIVITY_ORDER.indexOf(t) : -1);
    const activities = fixtures
      .filter((f) => rank(f.json.type) >= 0 && typeof f.json.actor === "string")
      .sort((a, b) => rank(a.json.type) - rank(b.json.type));
    assert.ok(activities.length >= 20, `found ${activities.length} activities`);
    const ictx = inboxContext();
    const failures: string[] = [];
    for (const f of activities) {
      await ensureActor(f.json.actor);
      let activity: Activity | null;
      try {
        const parsed = await APObject.fromJsonLd(f.json, { documentLoader, contextLoader });
        activity = parsed instanceof Activity ? parsed : null;
      } catch (err) {
        failures.push(`${f.file}: Fedify could not parse it (${(err as Error).message})`);
        continue;
      }
      if (!activity) continue; // Dislike and the like parse as other classes: no listener, Fedify answers 202
      try {
        await dispatch(ictx, activity);
      } catch (err) {
        failures.push(`${f.file}: ${(err as Error).stack}`);
      }
    }
    assert.deepEqual(failures, []);

    // What the corpus says happened, as far as this server keeps it.
    const stored = async (uri: string) => getStatusByUri(ctx, uri);
    const mastodonNote = await stored("https://mastodon.madrid/users/felix/statuses/107224289116410645");
    assert.ok(mastodonNote && !mastodonNote.deleted_at, "Mastodon's Create(Note) is stored");
    assert.equal(mastodonNote.visibility, "unlisted", "to followers, cc Public");
    assert.equal(mastodonNote.in_reply_to_uri, "https://mamot.fr/users/retiolus/statuses/107224244380204526");

    const lemmyPage = await stored("http://ds9.lemmy.ml/post/1");
    assert.ok(lemmyPage, "Lemmy's Create(Page) is stored");
    assert.match(lemmyPage.content, /<strong>/);

    const lemmyComment = await stored("http://ds9.lemmy.ml/comment/1");
    assert.ok(lemmyComment, "Lemmy's Create(Note) comment is stored");
    assert.equal(lemmyComment.in_reply_to_id, lemmyPage.id, "the comment hangs under its post");

    const message = await stored("http://enterprise.lemmy.ml/private_message/1");
    assert.ok(message, "Lemmy's private message is stored");
    assert.equal(message.visibility, "direct");

    const video = await stored("https://tilvids.com/videos/watch/e7946124-7b72-4ad7-9d22-844a84bb2de1");
    assert.ok(video, "PeerTube's announced Video is fetched and stored");
    assert.equal(video.url, "https://tilvids.com/videos/watch/e7946124-7b72-4ad7-9d22-844a84bb2de1");
    const boosts = await ctx.db.selectFrom("statuses").select("id").where("reblog_of_id", "=", video.id).execute();
    assert.equal(boosts.length, 1, "and boosted by the channel");
  });
});
