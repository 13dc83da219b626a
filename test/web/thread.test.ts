import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createLocalAccount, type Account } from "../../src/domain/accounts.ts";
import { reblog } from "../../src/domain/reblogs.ts";
import { createLocalStatus, deleteStatus, type Status } from "../../src/domain/statuses.ts";
import { browse, byClass, links, meta, parseHtml, remoteAccount, remoteStatus, startWebServer, textOf, type WebServer } from "./support.ts";

describe("public post pages", () => {
  let server: WebServer;
  let host: string;
  let alice: Account;
  let carol: Account;
  let bob: Account;
  let dana: Account;
  let root: Status;
  let bobReply: Status;

  before(async () => {
    server = await startWebServer();
    host = new URL(server.url).host;
    const ctx = server.app.ctx;
    alice = await createLocalAccount(ctx, { username: "alice", displayName: "Alice" });
    carol = await createLocalAccount(ctx, { username: "carol", displayName: "Carol" });
    bob = await remoteAccount(server, "bob", "remote.example", { displayName: "Bob Remote" });
    dana = await remoteAccount(server, "dana", "other.example", { displayName: "Dana" });
    root = await createLocalStatus(ctx, { accountId: alice.id, text: "What is everyone weaving today?", visibility: "public" });
    bobReply = await remoteStatus(server, bob, {
      inReplyToUri: root.uri,
      content: "<p>A scarf, see picture</p>",
      media: [{ url: "https://remote.example/media/scarf.png", mediaType: "image/png", description: "A striped blue scarf on a loom", blurhash: null, width: 640, height: 480 }],
    });
    await remoteStatus(server, dana, { inReplyToUri: bobReply.uri, content: "<p>Lovely colours</p>" });
    await createLocalStatus(ctx, { accountId: carol.id, text: "Socks, as always", visibility: "public", inReplyToId: root.id });
    await createLocalStatus(ctx, { accountId: carol.id, text: "a followers-only reply", visibility: "private", inReplyToId: root.id });
  });
  after(() => server.close());

  it("shows a logged-out reader the post with its counts and OpenGraph tags", async () => {
    const res = await browse(server, `/@alice/${root.id}`);
    assert.equal(res.status, 200);
    const doc = parseHtml(res.text);
    const focus = textOf(doc, byClass("focus"))[0];
    assert.match(focus, /What is everyone weaving today\?/);
    // The count is the post's own, a followers-only reply included, as Mastodon counts it.
    assert.match(focus, /3 replies/);
    assert.match(focus, /0 boosts/);
    assert.match(focus, /0 likes/);
    assert.equal(meta(doc, "og:type"), "article");
    assert.equal(meta(doc, "og:title"), `Alice (@alice@${host})`);
    assert.equal(meta(doc, "og:description"), "What is everyone weaving today?");
    assert.equal(meta(doc, "og:url"), `${server.url}/@alice/${root.id}`);
    assert.ok(meta(doc, "og:image"));
    assert.equal(meta(doc, "twitter:card"), "summary");
    assert.equal(meta(doc, "profile:username"), `alice@${host}`);
    assert.deepEqual(links(doc, "alternate", "application/activity+json"), [root.uri]);
    assert.deepEqual(links(doc, "alternate", "application/rss+xml"), [`${server.url}/@alice.rss`]);
    assert.match(res.headers.get("cache-control") ?? "", /^public/);
  });

  it("shows replies from every server with their handle and server, nested under what they answer", async () => {
    const doc = parseHtml((await browse(server, `/@alice/${root.id}`)).text);
    const handles = textOf(doc, (e) => e.name === "article").map((a) => a.match(/@\w+@[\w.:]+/)?.[0]);
    assert.deepEqual(handles, [`@alice@${host}`, "@bob@remote.example", "@dana@other.example", `@carol@${host}`]);
    const replies = textOf(doc, byClass("depth-1"));
    assert.equal(replies.length, 2);
    assert.match(replies[0], /A scarf, see picture/);
    assert.match(replies[0], /Posted on remote\.example · View the original/);
    assert.match(textOf(doc, byClass("depth-2"))[0], /Lovely colours.*Posted on other\.example/s);
    assert.doesNotMatch(textOf(doc, (e) => e.name === "main")[0], /followers-only reply/);
    const html = (await browse(server, `/@alice/${root.id}`)).text;
    assert.match(html, /<a href="https:\/\/remote\.example\/@bob\/\d+" rel="nofollow noopener noreferrer">View the original<\/a>/);
  });

  it("shows media with its description as alt text, and previews a post by its picture", async () => {
    const res = await browse(server, `/@bob@remote.example/${bobReply.id}`);
    assert.equal(res.status, 200);
    assert.match(res.text, /<img src="https:\/\/remote\.example\/media\/scarf\.png" alt="A striped blue scarf on a loom"/);
    const doc = parseHtml(res.text);
    assert.equal(meta(doc, "og:image"), "https://remote.example/media/scarf.png");
    assert.equal(meta(doc, "og:image:alt"), "A striped blue scarf on a loom");
    assert.equal(meta(doc, "twitter:card"), "summary_large_image");
    // The thread is there from a reply too: the post it answers first, then its own replies.
    const posts = textOf(doc, (e) => e.name === "article");
    assert.match(posts[0], /What is everyone weaving today/);
    assert.match(posts[1], /A scarf/);
    assert.match(posts[2], /Lovely colours/);
    assert.match(posts[1], new RegExp(`Replying to @alice@${host.replace(/\./g, "\\.")}`));
  });

  it("says where a remote post came from, links to the original, and leaves indexing to its server", async () => {
    const doc = parseHtml((await browse(server, `/@bob@remote.example/${bobReply.id}`)).text);
    assert.equal(meta(doc, "robots"), "noindex, noarchive");
    assert.deepEqual(links(doc, "alternate", "application/activity+json"), [bobReply.uri]);
    assert.deepEqual(links(doc, "canonical"), [bobReply.url]);
    assert.match(textOf(doc, byClass("origin"))[0], /Posted on remote\.example/);
  });

  it("answers 404 to a logged-out reader for followers-only and direct posts", async () => {
    const ctx = server.app.ctx;
    const priv = await createLocalStatus(ctx, { accountId: alice.id, text: "for followers", visibility: "private" });
    const direct = await createLocalStatus(ctx, { accountId: alice.id, text: "just for carol @carol", visibility: "direct" });
    for (const s of [priv, direct]) {
      const res = await browse(server, `/@alice/${s.id}`);
      assert.equal(res.status, 404);
      assert.doesNotMatch(res.text, /for followers|just for carol/);
      // The actor-URI redirect does not tell them apart from posts that never existed.
      const viaUri = await browse(server, `/users/alice/statuses/${s.id}`);
      assert.equal(viaUri.headers.get("location"), `/@alice/${s.id}`);
      assert.equal((await browse(server, `/@carol/${s.id}`)).status, 404);
    }
    assert.equal((await browse(server, "/@alice/999999999999999999")).status, 404);
    assert.equal((await browse(server, "/@alice/not-a-number")).status, 404);
  });

  it("answers 404 for a deleted post", async () => {
    const ctx = server.app.ctx;
    const gone = await createLocalStatus(ctx, { accountId: alice.id, text: "soon gone", visibility: "public" });
    await deleteStatus(ctx, gone.id, alice.id);
    assert.equal((await browse(server, `/@alice/${gone.id}`)).status, 404);
  });

  it("opens an unlisted post by its link", async () => {
    const quiet = await createLocalStatus(server.app.ctx, { accountId: alice.id, text: "quiet one", visibility: "unlisted" });
    const res = await browse(server, `/@alice/${quiet.id}`);
    assert.equal(res.status, 200);
    assert.match(textOf(parseHtml(res.text), byClass("focus"))[0], /quiet one/);
  });

  it("hides a post behind its content warning and shows poll results as bars", async () => {
    const poll = await remoteStatus(server, bob, {
      content: "<p>Which fibre?</p>",
      spoilerText: "yarn opinions",
      sensitive: true,
      poll: { options: [{ title: "Wool", votes: 3 }, { title: "Cotton", votes: 1 }], multiple: false, expiresAt: new Date(Date.now() - 1000), votersCount: 4 },
    });
    const res = await browse(server, `/@bob@remote.example/${poll.id}`);
    const doc = parseHtml(res.text);
    assert.match(res.text, /<details class="cw"><summary>yarn opinions/);
    assert.match(res.text, /<meter min="0" max="100" value="75"/);
    assert.match(res.text, /<meter min="0" max="100" value="25"/);
    const results = textOf(doc, byClass("poll-block"))[0];
    assert.match(results, /Wool 75%/);
    assert.match(results, /Cotton 25%/);
    assert.match(results, /4 votes · Closed/);
    // Previews show the warning, not what it hides.
    assert.equal(meta(doc, "og:description"), "Content warning: yarn opinions · Poll: Wool / Cotton");
  });

  it("sends a boost's address to the post it boosts, and a post under the wrong name to its own", async () => {
    const boost = await reblog(server.app.ctx, carol.id, root.id);
    const res = await browse(server, `/@carol/${boost.id}`);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), `/@alice/${root.id}`);
    const misplaced = await browse(server, `/@carol/${root.id}`);
    assert.equal(misplaced.status, 301);
    assert.equal(misplaced.headers.get("location"), `/@alice/${root.id}`);
  });
});
