import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createLocalAccount, type Account } from "../../src/domain/accounts.ts";
import { createLocalStatus } from "../../src/domain/statuses.ts";
import { browse, byClass, links, meta, parseHtml, remoteAccount, startWebServer, textOf, type WebServer } from "./support.ts";

describe("public profile pages", () => {
  let server: WebServer;
  let alice: Account;
  let host: string;

  before(async () => {
    server = await startWebServer();
    host = new URL(server.url).host;
    const ctx = server.app.ctx;
    alice = await createLocalAccount(ctx, { username: "alice", displayName: "Alice Liddell" });
    await ctx.db
      .updateTable("accounts")
      .set({
        note: "I knit and write about #looms.",
        fields: JSON.stringify([
          { name: "Website", value: "https://alice.com", verified_at: "2024-05-01T00:00:00.000Z" },
          { name: "Pronouns", value: "she/her" },
        ]),
      })
      .where("id", "=", alice.id)
      .execute();
    await createLocalStatus(ctx, { accountId: alice.id, text: "A public hello", visibility: "public" });
    await createLocalStatus(ctx, { accountId: alice.id, text: "Quietly unlisted", visibility: "unlisted" });
    await createLocalStatus(ctx, { accountId: alice.id, text: "Only for my followers", visibility: "private" });
    await createLocalStatus(ctx, { accountId: alice.id, text: "A direct word", visibility: "direct" });
  });
  after(() => server.close());

  it("shows a logged-out reader the profile with its posts, fields and counts", async () => {
    const res = await browse(server, "/@alice");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    const doc = parseHtml(res.text);
    assert.deepEqual(textOf(doc, (e) => e.name === "h1"), ["Alice Liddell"]);
    assert.ok(textOf(doc, byClass("handle")).some((t) => t.startsWith(`@alice@${host}`) && t.includes("Fediverse")));
    assert.ok(textOf(doc, byClass("bio")).some((t) => t.includes("I knit and write about #looms.")));
    const contents = textOf(doc, byClass("content"));
    assert.ok(contents.includes("A public hello"));
    assert.ok(contents.includes("Quietly unlisted"), "unlisted posts are listed on the profile, as on Mastodon");
    // The count is the account's own, followers-only posts included, as Mastodon shows it.
    assert.ok(textOf(doc, byClass("counts")).some((t) => t.includes("4 posts")));
    // A field linking to a page of one's own carries rel="me", and a verified one says so.
    assert.match(res.text, /<dd class="verified">.*<a href="https:\/\/alice\.com"[^>]*rel="me nofollow noopener noreferrer"/s);
    assert.ok(textOf(doc, (e) => e.name === "dd").some((t) => t.includes("link verified on 1 May 2024")));
    assert.ok(textOf(doc, (e) => e.name === "dd").includes("she/her"));
    const followBox = textOf(doc, byClass("follow-box"))[0];
    assert.match(followBox, /Follow from your server/);
    assert.match(followBox, /Mastodon/);
    assert.match(res.text, new RegExp(`<input id="follow-handle"[^>]*value="@alice@${host.replace(/\./g, "\\.")}"`));
  });

  it("never shows followers-only or direct posts to a logged-out reader", async () => {
    for (const path of ["/@alice", "/@alice/with_replies", "/@alice.rss"]) {
      const res = await browse(server, path);
      assert.equal(res.status, 200, path);
      assert.doesNotMatch(res.text, /Only for my followers/, path);
      assert.doesNotMatch(res.text, /A direct word/, path);
    }
  });

  it("describes the profile for link previews and points to the actor and the feed", async () => {
    const doc = parseHtml((await browse(server, "/@alice")).text);
    assert.equal(meta(doc, "og:type"), "profile");
    assert.equal(meta(doc, "og:title"), `Alice Liddell (@alice@${host})`);
    assert.equal(meta(doc, "og:description"), "I knit and write about #looms.");
    assert.equal(meta(doc, "og:url"), `${server.url}/@alice`);
    assert.match(meta(doc, "og:image") ?? "", /^http:\/\/127\.0\.0\.1:\d+\/avatars\/original\/missing\.png$/);
    assert.equal(meta(doc, "profile:username"), `alice@${host}`);
    assert.equal(meta(doc, "twitter:card"), "summary");
    assert.deepEqual(links(doc, "alternate", "application/activity+json"), [`${server.url}/users/alice`]);
    assert.deepEqual(links(doc, "alternate", "application/rss+xml"), [`${server.url}/@alice.rss`]);
    assert.equal(meta(doc, "robots"), undefined);
  });

  it("may be cached briefly by anyone, and varies with Accept", async () => {
    const res = await browse(server, "/@alice");
    assert.match(res.headers.get("cache-control") ?? "", /^public, max-age=\d+$/);
    assert.match(res.headers.get("vary") ?? "", /Accept/);
    assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'none'/);
  });

  it("asks search engines not to index an account that opted out", async () => {
    const ctx = server.app.ctx;
    const shy = await createLocalAccount(ctx, { username: "shy" });
    const status = await createLocalStatus(ctx, { accountId: shy.id, text: "hidden from search", visibility: "public" });
    await ctx.db.updateTable("accounts").set({ indexable: 0 }).where("id", "=", shy.id).execute();
    for (const path of ["/@shy", `/@shy/${status.id}`]) {
      const doc = parseHtml((await browse(server, path)).text);
      assert.equal(meta(doc, "robots"), "noindex, noarchive", path);
    }
    await ctx.db.updateTable("accounts").set({ indexable: 1, discoverable: 0 }).where("id", "=", shy.id).execute();
    assert.equal(meta(parseHtml((await browse(server, "/@shy")).text), "robots"), "noindex, noarchive");
  });

  it("shows a display name holding markup as text", async () => {
    const ctx = server.app.ctx;
    await createLocalAccount(ctx, { username: "mallory", displayName: `<script>alert("x")</script><img src=x onerror=alert(1)>` });
    const res = await browse(server, "/@mallory");
    assert.equal(res.status, 200);
    assert.doesNotMatch(res.text, /<script/i);
    assert.doesNotMatch(res.text, /<img src=x/i);
    const doc = parseHtml(res.text);
    assert.deepEqual(textOf(doc, (e) => e.name === "h1"), [`<script>alert("x")</script><img src=x onerror=alert(1)>`]);
    assert.equal(meta(doc, "og:title"), `<script>alert("x")</script><img src=x onerror=alert(1)> (@mallory@${host})`);
  });

  it("gives an account that does not federate a page without the fediverse badge or follow box", async () => {
    const ctx = server.app.ctx;
    await createLocalAccount(ctx, { username: "homebody", displayName: "Home Body", federating: false });
    const res = await browse(server, "/@homebody");
    assert.equal(res.status, 200);
    const doc = parseHtml(res.text);
    assert.deepEqual(textOf(doc, byClass("handle")), ["@homebody"]);
    assert.equal(textOf(doc, byClass("fediverse")).length, 0);
    assert.equal(textOf(doc, byClass("follow-box")).length, 0);
    assert.deepEqual(links(doc, "alternate", "application/activity+json"), []);
  });

  it("pages through older posts with max_id", async () => {
    const ctx = server.app.ctx;
    const busy = await createLocalAccount(ctx, { username: "busy" });
    for (let i = 1; i <= 22; i++) await createLocalStatus(ctx, { accountId: busy.id, text: `note number ${i}.`, visibility: "public" });
    const first = parseHtml((await browse(server, "/@busy")).text);
    const firstPosts = textOf(first, byClass("content"));
    assert.equal(firstPosts.length, 20);
    assert.equal(firstPosts[0], "note number 22.");
    const older = (await browse(server, "/@busy")).text.match(/href="(\/@busy\?max_id=\d+)" rel="next"/);
    assert.ok(older, "a link to older posts");
    const second = parseHtml((await browse(server, older[1])).text);
    assert.deepEqual(textOf(second, byClass("content")), ["note number 2.", "note number 1."]);
    assert.doesNotMatch((await browse(server, older[1])).text, /rel="next"/);
  });

  it("sends browsers from actor and object URIs to the pages, and ActivityPub clients the other way", async () => {
    const status = await createLocalStatus(server.app.ctx, { accountId: alice.id, text: "linked", visibility: "public" });
    const actor = await browse(server, "/users/alice");
    assert.equal(actor.status, 302);
    assert.equal(actor.headers.get("location"), "/@alice");
    const object = await browse(server, `/users/alice/statuses/${status.id}`);
    assert.equal(object.status, 302);
    assert.equal(object.headers.get("location"), `/@alice/${status.id}`);
    // Fedify still answers ActivityPub software at the actor URI.
    const json = await browse(server, "/users/alice", "application/activity+json");
    assert.equal(json.status, 200);
    assert.equal(JSON.parse(json.text).preferredUsername, "alice");
    const toActor = await browse(server, "/@alice", "application/activity+json");
    assert.equal(toActor.status, 302);
    assert.equal(toActor.headers.get("location"), `${server.url}/users/alice`);
    const toObject = await browse(server, `/@alice/${status.id}`, "application/activity+json");
    assert.equal(toObject.headers.get("location"), `${server.url}/users/alice/statuses/${status.id}`);
  });

  it("sends readers of a known remote account to its own page, and says unknown accounts do not exist", async () => {
    await remoteAccount(server, "bob", "remote.example");
    const remote = await browse(server, "/@bob@remote.example");
    assert.equal(remote.status, 302);
    assert.equal(remote.headers.get("location"), "https://remote.example/@bob");
    const unknown = await browse(server, "/@nobody");
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get("content-type") ?? "", /^text\/html/);
    assert.equal((await browse(server, "/@nobody@elsewhere.example")).status, 404);
    assert.equal((await browse(server, "/users/nobody")).status, 404);
  });

  it("redirects a handle typed in another case to the canonical address", async () => {
    const res = await browse(server, "/@ALICE");
    assert.equal(res.status, 301);
    assert.equal(res.headers.get("location"), "/@alice");
  });
});
