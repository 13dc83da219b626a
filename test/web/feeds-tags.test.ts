import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DomUtils, parseDocument } from "htmlparser2";
import { createLocalAccount, type Account } from "../../src/domain/accounts.ts";
import { createLocalStatus, type Status } from "../../src/domain/statuses.ts";
import {
  assertWellFormedXml,
  browse,
  byClass,
  links,
  meta,
  parseHtml,
  remoteAccount,
  remoteStatus,
  rssItems,
  startWebServer,
  textOf,
  type WebServer,
} from "./support.ts";

describe("feeds, hashtag pages and the about page", () => {
  let server: WebServer;
  let host: string;
  let alice: Account;
  let loud: Status;
  let quiet: Status;
  let remote: Status;

  before(async () => {
    server = await startWebServer();
    host = new URL(server.url).host;
    const ctx = server.app.ctx;
    alice = await createLocalAccount(ctx, { username: "alice", displayName: "Alice & <Co>", admin: true, email: "admin@weft.test" });
    loud = await createLocalStatus(ctx, { accountId: alice.id, text: "Weaving with #Looms & friends <3", visibility: "public" });
    quiet = await createLocalStatus(ctx, { accountId: alice.id, text: "Unlisted thoughts on #looms", visibility: "unlisted" });
    await createLocalStatus(ctx, { accountId: alice.id, text: "Followers hear about #looms", visibility: "private" });
    await createLocalStatus(ctx, { accountId: alice.id, text: "Spoiled #looms", spoilerText: "plot twist", visibility: "public" });
    const bob = await remoteAccount(server, "bob", "remote.example");
    remote = await remoteStatus(server, bob, {
      content: '<p>Remote <a href="https://remote.example/tags/looms" class="mention hashtag" rel="tag">#<span>looms</span></a></p>',
      tags: ["looms"],
      media: [{ url: "https://remote.example/m/1.jpg", mediaType: "image/jpeg", description: "warp & weft", blurhash: null, width: 10, height: 10 }],
    });
  });
  after(() => server.close());

  it("serves a profile's public posts as well-formed RSS 2.0", async () => {
    const res = await browse(server, "/@alice.rss", "application/rss+xml");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/rss\+xml/);
    assert.match(res.headers.get("cache-control") ?? "", /^public/);
    assertWellFormedXml(res.text);
    const doc = parseDocument(res.text, { xmlMode: true });
    const channel = DomUtils.getElementsByTagName("channel", doc)[0];
    assert.equal(DomUtils.textContent(DomUtils.getElementsByTagName("title", channel.children, false)[0]), `Alice & <Co> (@alice@${host})`);
    assert.equal(DomUtils.textContent(DomUtils.getElementsByTagName("link", channel.children, false)[0]), `${server.url}/@alice`);
    const items = rssItems(res.text);
    assert.equal(items.length, 2, "the public posts only: not unlisted, followers-only or direct ones");
    assert.equal(items[1].link, `${server.url}/@alice/${loud.id}`);
    assert.equal(items[1].guid, items[1].link);
    assert.equal(new Date(items[1].pubDate).toISOString().slice(0, 16), loud.created_at.slice(0, 16));
    assert.match(items[1].description, /^<p>Weaving with <a href="[^"]+\/tags\/Looms"/);
    assert.match(items[1].description, /&amp; friends &lt;3/);
    assert.equal(items[1].category, "Looms");
    assert.equal(items[0].title, "plot twist");
    assert.match(items[0].description, /Content warning: plot twist/);
  });

  it("serves a hashtag's public posts from every server as RSS, with media descriptions", async () => {
    const res = await browse(server, "/tags/looms.rss", "application/rss+xml");
    assert.equal(res.status, 200);
    assertWellFormedXml(res.text);
    const items = rssItems(res.text);
    // Newest first; a remote post links to its original.
    assert.equal(items[0].link, remote.url);
    assert.equal(items[2].link, `${server.url}/@alice/${loud.id}`);
    assert.equal(items[0]["media:content"], "warp & weft");
    assert.ok(!items.some((i) => /Unlisted thoughts|Followers hear/.test(i.description)));
    assert.equal(items.length, 3);
  });

  it("lists public posts on the hashtag page, whatever the tag's spelling, but not unlisted ones", async () => {
    for (const path of ["/tags/looms", "/tags/LOOMS", "/tags/L%C3%B2oms"]) {
      const res = await browse(server, path);
      assert.equal(res.status, 200, path);
      const doc = parseHtml(res.text);
      assert.deepEqual(textOf(doc, (e) => e.name === "h1"), ["#Looms"], path);
      const main = textOf(doc, (e) => e.name === "main")[0];
      assert.match(main, /Weaving with #Looms/);
      assert.match(main, /Remote #looms/);
      assert.doesNotMatch(main, /Unlisted thoughts/);
      assert.doesNotMatch(main, /Followers hear/);
      assert.deepEqual(links(doc, "alternate", "application/rss+xml"), [`${server.url}/tags/looms.rss`]);
    }
    // The unlisted post is still there for whoever has its link.
    assert.equal((await browse(server, `/@alice/${quiet.id}`)).status, 200);
  });

  it("says so on the page of a hashtag nobody used, and keeps it out of search engines", async () => {
    const res = await browse(server, "/tags/nothinghere");
    assert.equal(res.status, 200);
    const doc = parseHtml(res.text);
    assert.match(textOf(doc, byClass("empty"))[0], /No public posts with this hashtag yet/);
    assert.equal(meta(doc, "robots"), "noindex, noarchive");
    assert.equal((await browse(server, "/tags/%23%23")).status, 404);
  });

  it("shows the server's name, description, rules, numbers and contact on the about page", async () => {
    const ctx = server.app.ctx;
    await ctx.db
      .insertInto("instance_settings")
      .values([
        { key: "site_title", value: JSON.stringify("Loom Club") },
        { key: "site_description", value: JSON.stringify("A server for weavers.\n\nBe kind to beginners.") },
        { key: "rules", value: JSON.stringify(["No spam", { text: "Describe your images", hint: "Alt text helps everyone" }]) },
      ])
      .execute();
    const res = await browse(server, "/about");
    assert.equal(res.status, 200);
    const doc = parseHtml(res.text);
    assert.deepEqual(textOf(doc, (e) => e.name === "h1"), ["About Loom Club"]);
    const main = textOf(doc, (e) => e.name === "main")[0];
    assert.match(main, /A server for weavers\./);
    assert.match(main, /Be kind to beginners\./);
    assert.deepEqual(
      DomUtils.findAll((e) => e.name === "ol", doc.children).flatMap((ol) => ol.children.filter((c) => "name" in c).map((li) => DomUtils.textContent(li))),
      ["No spam", "Describe your images Alt text helps everyone"],
    );
    const numbers = textOf(doc, byClass("facts"))[0];
    assert.match(numbers, /People 1/);
    assert.match(numbers, /Posts 4/);
    assert.match(main, /Administered by Alice & <Co>/);
    assert.match(res.text, /<a href="mailto:admin@weft\.test">/);
  });

  it("greets visitors on the front page with links and a word about apps", async () => {
    const res = await browse(server, "/");
    assert.equal(res.status, 200);
    const doc = parseHtml(res.text);
    const main = textOf(doc, (e) => e.name === "main")[0];
    assert.match(main, /Mastodon-compatible app/);
    assert.match(res.text, /<a href="\/about">/);
    assert.equal(DomUtils.findAll((e) => e.name === "script", doc.children).length, 0);
  });

  it("serves its stylesheet from this origin for a year under a name that changes with it", async () => {
    const page = await browse(server, "/");
    const href = page.text.match(/<link rel="stylesheet" href="(\/web-assets\/public-[0-9a-f]+\.css)">/)?.[1];
    assert.ok(href);
    const css = await browse(server, href, "text/css");
    assert.equal(css.status, 200);
    assert.match(css.headers.get("content-type") ?? "", /^text\/css/);
    assert.match(css.headers.get("cache-control") ?? "", /max-age=31536000, immutable/);
    assert.match(css.text, /prefers-color-scheme: dark/);
  });
});
