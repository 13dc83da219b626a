import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { htmlToPlainText, renderPlainText, sanitizeRemoteHtml } from "../../../src/domain/text/index.ts";

/*
 * Real post and profile HTML captured from Mastodon, Pleroma, Friendica, PeerTube, GNU social,
 * Lemmy and others (shared/fixtures): whatever we keep of it must keep its links, mentions,
 * paragraphs and words.
 */

const repoRoot = path.resolve(import.meta.dirname, "../../..");
const fixtures = path.resolve(repoRoot, "../shared/fixtures");
const missing = fs.existsSync(fixtures) ? false : `shared fixtures not found at ${fixtures}`;

interface Sample {
  file: string;
  html: string;
}

function samples(): Sample[] {
  if (missing) return [];
  const found: Sample[] = [];
  const visit = (file: string, value: unknown, key = ""): void => {
    if (typeof value === "string") {
      if ((key === "content" || key === "summary" || key.startsWith("contentMap.")) && value.trim()) found.push({ file, html: value });
    } else if (Array.isArray(value)) {
      for (const item of value) visit(file, item, key);
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) visit(file, v, key === "contentMap" ? `contentMap.${k}` : k);
    }
  };
  for (const folder of ["lemmy-corpus", "actors"]) {
    for (const file of fs.readdirSync(path.join(fixtures, folder), { recursive: true, encoding: "utf8" })) {
      if (!file.endsWith(".json")) continue;
      visit(`${folder}/${file}`, JSON.parse(fs.readFileSync(path.join(fixtures, folder, file), "utf8")));
    }
  }
  return found;
}

function fixture(file: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(fixtures, file), "utf8"));
}

const LINKABLE = /^(?:https?|gemini|xmpp|magnet|dat|dweb|ipfs|ipns|ssb|gopher):/i;

function links(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/gi)].map((m) => m[1].replace(/&amp;/g, "&")).filter((href) => LINKABLE.test(href));
}

function count(html: string, pattern: RegExp): number {
  return [...html.matchAll(pattern)].length;
}

const words = (html: string) => htmlToPlainText(html).replace(/\s+/g, "");

describe("remote content from other servers", { skip: missing }, () => {
  const all = samples();

  test("the corpus holds HTML from several servers", () => {
    assert.ok(all.length >= 30, `found ${all.length} samples`);
    for (const app of ["mastodon/", "pleroma/", "friendica/", "actors/"]) {
      assert.ok(all.some((s) => s.file.includes(app)), app);
    }
  });

  test("keeps every link, mention, hashtag and paragraph, and every word", () => {
    for (const { file, html } of all) {
      const clean = sanitizeRemoteHtml(html);
      const where = `${file}: ${clean}`;
      assert.deepEqual(links(clean), links(html), where);
      for (const marker of [/class="[^"]*\bh-card\b/g, /class="[^"]*\bu-url\b/g, /class="[^"]*\bmention\b/g, /class="[^"]*\bhashtag\b/g]) {
        assert.equal(count(clean, marker), count(html, marker), `${marker} in ${where}`);
      }
      assert.equal(count(clean, /<p[ >]/g), count(html, /<(?:p|h[1-6])[ >]/g), where);
      assert.equal(words(clean), words(html), where);
      assert.equal(sanitizeRemoteHtml(clean), clean, `${file}: sanitising twice changes nothing`);
    }
  });

  test("gives a Mastodon mention the markup Mastodon itself would serve", () => {
    const note = fixture("lemmy-corpus/mastodon/objects/note_1.json");
    assert.equal(
      sanitizeRemoteHtml(note.content),
      '<p><span class="h-card"><a href="https://mamot.fr/@retiolus" class="u-url mention" rel="nofollow noopener" target="_blank">@<span>retiolus</span></a></span> ' +
        "i have never been disappointed by a thinkpad. if you want to save money, get a model from a few years ago, there isnt a huge difference anyway.</p>",
    );
  });

  test("flattens Friendica's shared-post markup to what Mastodon allows", () => {
    const note = fixture("lemmy-corpus/friendica/objects/note_2.json");
    const clean = sanitizeRemoteHtml(note.content);
    assert.ok(clean.includes("<blockquote><p><strong>Do your commenting tests here.</strong></p><br />While posting"), clean);
    assert.ok(clean.includes('<a href="https://lemmy.ml/u/Liwott" class="u-url mention" rel="nofollow noopener" target="_blank">'), clean);
    assert.ok(!clean.includes("<div") && !clean.includes("vcard") && !clean.includes("title="), clean);
  });

  test("reads Pleroma's data attributes away and keeps its mention", () => {
    const note = fixture("lemmy-corpus/pleroma/activities/create_note.json");
    assert.equal(
      sanitizeRemoteHtml(note.object.content),
      '<span class="h-card"><a class="u-url mention" href="https://enterprise.lemmy.ml/u/picard" rel="nofollow noopener" target="_blank">@<span>lanodan</span></a></span> test',
    );
  });

  test("renders the same local text to the same HTML Mastodon published", () => {
    const hooks = (mentions: Record<string, string>, tagBase: string) => ({
      resolveMention: (username: string, domain: string | null) => {
        const url = mentions[domain ? `${username}@${domain}` : username];
        return url ? { url, username } : null;
      },
      tagUrl: (name: string) => `${tagBase}/tags/${encodeURIComponent(name)}`,
    });

    const page = fixture("lemmy-corpus/mastodon/objects/page.json");
    const pageText =
      "@tenforward@enterprise.lemmy.ml Variable never resetting at refresh\n\n" +
      "Hi! I'm using a variable to count elements in my generator but every time I generate a new character, the counter's value " +
      "carries on from the previous one. Is there a function to reset it (I set it to 0 at the beginning of the file)";
    assert.equal(
      renderPlainText(pageText, hooks({ "tenforward@enterprise.lemmy.ml": "https://enterprise.lemmy.ml/c/tenforward" }, "https://mastodon.social")),
      page.content,
    );

    // Published by an older Mastodon, whose links also carried "noreferrer" and (here) no translate="no".
    const older = (html: string) => html.replace(/ rel="nofollow noopener noreferrer"/g, ' rel="nofollow noopener"').replace(/ translate="no">/g, ">");
    const featured = fixture("lemmy-corpus/mastodon/collections/featured.json");
    const featuredText =
      "Inaugural Post for Lemmy, a decentralized, easily self-hostable #reddit / link aggregator alternative,intended to work in the #fediverse: \n\n" +
      "https://github.com/LemmyNet/lemmy/\n\n#activitypub";
    const published = featured.orderedItems.find((item: any) => item.content?.includes("Inaugural")).content;
    assert.equal(older(renderPlainText(featuredText, hooks({}, "https://mastodon.social"))), older(published));

    const donate = fixture("lemmy-corpus/mastodon/objects/note_2.json");
    const tail = "We also need funding 💶 to keep the gears turning! Please support us with a donation:\n\nhttps://kde.org/donate/\n\n[3/3]";
    assert.ok(older(donate.content).endsWith(older(renderPlainText(tail, hooks({}, "https://floss.social")))), donate.content);
  });
});
