import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Note, Object as APObject, PUBLIC_COLLECTION, Question } from "@fedify/vocab";
import { createLocalAccount, type Account } from "../../src/domain/accounts.ts";
import { loadStatuses } from "../../src/domain/hydrate.ts";
import { createLocalStatus } from "../../src/domain/statuses.ts";
import { htmlToPlainText } from "../../src/domain/text/index.ts";
import type { Visibility } from "../../src/domain/visibility.ts";
import { newId, nowIso } from "../../src/domain/ids.ts";
import { fromNote, mediaExtras, toNote, withMediaExtras } from "../../src/federation/mappers/note.ts";
import { createTestDb, type TestDb } from "../helpers/db.ts";
import { domainCtx, remoteAccount } from "../domain/support.ts";

/*
 * A local status goes out as a Note (or Question) and must come back as the same post: what a
 * remote server reads from our JSON is what we would read from it.
 */

let db: TestDb;
let ctx: ReturnType<typeof domainCtx>;
let alice: Account;
let bob: Account;

before(async () => {
  db = await createTestDb();
  ctx = domainCtx(db);
  alice = await createLocalAccount(ctx, { username: "alice" });
  bob = await remoteAccount(ctx, "bob", "remote.test");
});
after(() => db.drop());

async function outAndBack(statusId: string) {
  const [view] = await loadStatuses(ctx, [statusId], null);
  const json = (await toNote(ctx.config, view).toJsonLd({ format: "compact" })) as Record<string, any>;
  const parsed = await APObject.fromJsonLd(json);
  const data = await fromNote(ctx, parsed, { accountId: alice.id, followersUrl: alice.followers_url });
  assert.ok(data, "fromNote read the note");
  return { view, json, parsed, data };
}

const hrefs = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);

describe("toNote → fromNote", () => {
  for (const visibility of ["public", "unlisted", "private", "direct"] as Visibility[]) {
    it(`keeps content, ${visibility} visibility, mentions and hashtags`, async () => {
      const status = await createLocalStatus(ctx, {
        accountId: alice.id,
        text: `Hello @bob@remote.test, this is #Weft (${visibility})`,
        visibility,
        spoilerText: "cw",
        language: "en",
      });
      const { view, json, data } = await outAndBack(status.id);
      assert.equal(json.type, "Note");
      // The sanitiser may normalise attributes (rel, target) as Mastodon's does; text and links stay.
      assert.equal(htmlToPlainText(data.content), htmlToPlainText(view.status.content));
      assert.deepEqual(hrefs(data.content), hrefs(view.status.content));
      assert.match(data.content, /Weft/);
      assert.equal(data.visibility, visibility);
      assert.equal(data.spoilerText, "cw");
      assert.equal(data.sensitive, true);
      assert.equal(data.language, "en");
      assert.deepEqual(data.mentionedAccountIds, [bob.id]);
      assert.deepEqual(data.tags, ["Weft"]);
      assert.equal(data.uri, status.uri);
      assert.equal(data.url, status.url);
    });
  }

  it("addresses each visibility exactly as Mastodon does", async () => {
    const expect: Record<Visibility, { to: string[]; cc: string[] }> = {
      public: { to: [PUBLIC_COLLECTION.href], cc: [alice.followers_url!, bob.uri] },
      unlisted: { to: [alice.followers_url!], cc: [PUBLIC_COLLECTION.href, bob.uri] },
      private: { to: [alice.followers_url!], cc: [bob.uri] },
      direct: { to: [bob.uri], cc: [] },
    };
    for (const [visibility, want] of Object.entries(expect) as [Visibility, { to: string[]; cc: string[] }][]) {
      const status = await createLocalStatus(ctx, { accountId: alice.id, text: "hi @bob@remote.test", visibility });
      const [view] = await loadStatuses(ctx, [status.id], null);
      const note = toNote(ctx.config, view);
      assert.deepEqual(note.toIds.map((u) => u.href), want.to, `${visibility} to`);
      assert.deepEqual(note.ccIds.map((u) => u.href), want.cc, `${visibility} cc`);
    }
  });

  it("tags mentions as @user@host and hashtags as #tag with links", async () => {
    const status = await createLocalStatus(ctx, { accountId: alice.id, text: "@bob@remote.test look #Cats" });
    const { json } = await outAndBack(status.id);
    const tags = Array.isArray(json.tag) ? json.tag : [json.tag];
    const mention = tags.find((t: any) => t.type === "Mention");
    const hashtag = tags.find((t: any) => t.type === "Hashtag");
    assert.deepEqual({ href: mention.href, name: mention.name }, { href: bob.uri, name: "@bob@remote.test" });
    assert.equal(hashtag.name, "#Cats");
    assert.equal(hashtag.href, "https://weft.test/tags/cats");
    assert.equal(json.attributedTo, alice.uri);
    assert.equal(json.contentMap, undefined, "no language, no contentMap");
  });

  it("sends a poll as a Question with counts, end time and voters, and reads it back", async () => {
    const status = await createLocalStatus(ctx, {
      accountId: alice.id,
      text: "Tea or coffee?",
      poll: { options: ["tea", "coffee"], expiresIn: 3600, multiple: true },
    });
    await ctx.db.updateTable("polls").set({ cached_tallies: JSON.stringify([2, 5]), voters_count: 6 }).where("status_id", "=", status.id).execute();
    const { json, parsed, data } = await outAndBack(status.id);
    assert.equal(json.type, "Question");
    assert.ok(parsed instanceof Question);
    assert.ok(json.anyOf, "multiple choice is anyOf");
    assert.equal(json.votersCount, 6);
    assert.ok(json.endTime);
    assert.ok(data.poll);
    assert.deepEqual(data.poll.options, [
      { title: "tea", votes: 2 },
      { title: "coffee", votes: 5 },
    ]);
    assert.equal(data.poll.multiple, true);
    assert.equal(data.poll.votersCount, 6);
    assert.ok(data.poll.expiresAt && Math.abs(data.poll.expiresAt.getTime() - (Date.now() + 3600_000)) < 60_000);
  });

  it("keeps the reply target", async () => {
    const parent = await createLocalStatus(ctx, { accountId: alice.id, text: "first" });
    const reply = await createLocalStatus(ctx, { accountId: alice.id, text: "second", inReplyToId: parent.id });
    const { json, data } = await outAndBack(reply.id);
    assert.equal(json.inReplyTo, parent.uri);
    assert.equal(data.inReplyToUri, parent.uri);
    assert.ok(json.published);
  });

  it("describes media as Documents; served copies carry blurhash and focal point, and both are read back", async () => {
    const mediaId = newId();
    await ctx.db
      .insertInto("media_attachments")
      .values({
        id: mediaId, account_id: alice.id, status_id: null, type: "image", file_path: "ab/cat.png", preview_path: null,
        content_type: "image/png", remote_url: null, description: "a cat", blurhash: "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
        meta: JSON.stringify({ original: { width: 640, height: 480 }, focus: { x: 0.5, y: -0.25 } }), state: "ready", created_at: nowIso(),
      })
      .execute();
    const status = await createLocalStatus(ctx, { accountId: alice.id, text: "look", mediaIds: [mediaId] });
    const [view] = await loadStatuses(ctx, [status.id], null);
    const served = await withMediaExtras(toNote(ctx.config, view), mediaExtras(ctx.config, view));
    const json = (await served.toJsonLd()) as Record<string, any>;
    const att = Array.isArray(json.attachment) ? json.attachment[0] : json.attachment;
    assert.deepEqual(
      { type: att.type, mediaType: att.mediaType, url: att.url, name: att.name, width: att.width, height: att.height },
      { type: "Document", mediaType: "image/png", url: "https://weft.test/system/media/ab/cat.png", name: "a cat", width: 640, height: 480 },
    );
    assert.equal(att.blurhash, "LEHV6nWB2yk8pyo0adR*.7kCMdnj");
    assert.deepEqual(att.focalPoint, [0.5, -0.25]);
    const data = await fromNote(ctx, await APObject.fromJsonLd(json), { accountId: alice.id, raw: json });
    assert.deepEqual(data?.media, [
      {
        url: "https://weft.test/system/media/ab/cat.png", mediaType: "image/png", description: "a cat",
        blurhash: "LEHV6nWB2yk8pyo0adR*.7kCMdnj", width: 640, height: 480, focus: { x: 0.5, y: -0.25 },
      },
    ]);
  });

  it("reads a name-only Note back as an empty post, not a crash", async () => {
    const vote = new Note({ id: new URL("https://remote.test/users/bob#votes/1"), name: "tea", attribution: new URL(bob.uri) });
    const data = await fromNote(ctx, vote, { accountId: bob.id });
    assert.ok(data);
    assert.equal(data.content, "");
  });
});
