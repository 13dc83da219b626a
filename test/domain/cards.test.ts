import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";
import { assertMatchesEntity } from "../helpers/openapi.ts";
import { domainCtx, remoteAccount } from "./support.ts";
import { loadConfig } from "../../src/config.ts";
import type { Ctx } from "../../src/domain/context.ts";
import { createLocalAccount } from "../../src/domain/accounts.ts";
import { createLocalStatus, ingestRemoteStatus } from "../../src/domain/statuses.ts";
import { loadStatuses } from "../../src/domain/hydrate.ts";
import { registerDomainJobs } from "../../src/domain/jobs.ts";
import { createJobRegistry } from "../../src/jobs/worker.ts";
import { serializeStatus } from "../../src/api/entities/status.ts";
import { CardFetchError, fetchPreviewPage, isPublicAddress, MAX_BYTES } from "../../src/domain/card-fetch.ts";
import { firstCardUrl, trendingLinks } from "../../src/domain/cards.ts";
import { serializeTrendsLink } from "../../src/api/entities/card.ts";

const ARTICLE = `<!doctype html><html lang="en-GB"><head>
<meta charset="utf-8">
<title>Fallback title</title>
<meta property="og:title" content="Weaving &amp; knitting">
<meta property="og:description" content="All about &quot;looms&quot;">
<meta property="og:image" content="/img/loom.png">
<meta property="og:image:width" content="640"><meta property="og:image:height" content="480">
<meta property="og:site_name" content="Loom News">
<meta property="og:type" content="article">
<meta property="article:published_time" content="2026-11-01T10:00:00Z">
<meta name="author" content="Ada">
</head><body>hi</body></html>`;

/** A tiny site on 127.0.0.1 that counts what it is asked. */
function startSite() {
  const hits = new Map<string, number>();
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path.startsWith("/article") || path.startsWith("/shared")) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(ARTICLE);
    } else if (path === "/big") {
      // OpenGraph at the start, then far more than a preview may read, sent as fast as it goes
      res.writeHead(200, { "content-type": "text/html" });
      res.write(ARTICLE.replace("Weaving", "Big"));
      const chunk = "<p>" + "x".repeat(64 * 1024) + "</p>";
      let sent = 0;
      const pump = () => {
        while (sent < 40 && res.write(chunk)) sent++;
        if (sent < 40) res.once("drain", pump);
        else res.end();
      };
      pump();
    } else if (path === "/json") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"title":"no"}');
    } else if (path === "/to-other-loopback") {
      res.writeHead(302, { location: `http://127.0.0.2:${port()}/article` }).end();
    } else if (path.startsWith("/loop")) {
      const n = Number(path.slice(5)) || 0;
      res.writeHead(301, { location: `/loop${n + 1}` }).end();
    } else if (path === "/redirect-ok") {
      res.writeHead(302, { location: "/article-after-redirect" }).end();
    } else if (path === "/slow") {
      res.writeHead(200, { "content-type": "text/html" });
      res.write("<html><head>"); // and nothing more
    } else {
      res.writeHead(404).end();
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const port = () => (server.address() as AddressInfo).port;
  return {
    hits,
    server,
    port,
    url: (p: string) => `http://127.0.0.1:${port()}${p}`,
    async close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe(`link preview cards (${testDialect()})`, () => {
  let t: TestDb;
  let open: Ctx;
  let strict: Ctx;
  let site: ReturnType<typeof startSite>;
  before(async () => {
    t = await createTestDb();
    const base = domainCtx(t);
    open = { ...base, config: loadConfig({ WEFT_URL: "https://weft.test", WEFT_ALLOW_PRIVATE_ADDRESS: "true" }) };
    strict = { ...base, config: loadConfig({ WEFT_URL: "https://weft.test" }) };
    site = startSite();
    site.server.listen(0, "127.0.0.1");
    await once(site.server, "listening");
  });
  after(async () => {
    await site.close();
    await t.drop();
  });

  /** Runs the queued card.fetch jobs the way the worker does, through the registered handler. */
  async function runCardJobs(ctx: Ctx): Promise<void> {
    const registry = createJobRegistry();
    registerDomainJobs(ctx, registry);
    const rows = await ctx.db.selectFrom("jobs").select(["id", "payload"]).where("queue", "=", "weft").orderBy("id").execute();
    for (const row of rows) {
      const job = JSON.parse(row.payload);
      if (job.kind !== "card.fetch") continue;
      await registry.handlerFor("card.fetch")!(job);
      await ctx.db.deleteFrom("jobs").where("id", "=", row.id).execute();
    }
  }

  let notes = 0;
  /**
   * A post from another server linking `link`. Weft's own linkifier, like Mastodon's, leaves bare
   * IP addresses unlinked, so a post pointing at the loopback test site has to arrive as HTML.
   */
  async function remotePost(ctx: Ctx, accountId: string, link: string, extra: { poll?: boolean } = {}) {
    return ingestRemoteStatus(ctx, {
      uri: `https://remote.test/notes/${++notes}`, url: null, accountId, inReplyToUri: null,
      content: `<p>see <a href="${link}">${link}</a></p>`, spoilerText: "", sensitive: false, visibility: "public",
      language: "en", published: new Date(), updated: null, mentionedAccountIds: [], tags: [], media: [],
      poll: extra.poll ? { options: [{ title: "a", votes: 0 }, { title: "b", votes: 0 }], multiple: false, expiresAt: null, votersCount: 0 } : null,
    });
  }

  async function statusJson(ctx: Ctx, id: string) {
    const [view] = await loadStatuses(ctx, [id], null);
    return serializeStatus(view, ctx.config);
  }

  it("a post linking a page shows its OpenGraph preview once the job ran", async (tc) => {
    const alice = await remoteAccount(open, "alice");
    const link = site.url("/article");
    const s = await remotePost(open, alice.id, link);
    assert.equal((await statusJson(open, s.id)).card, null, "no card before the fetch");
    await runCardJobs(open);
    const json = await statusJson(open, s.id);
    assert.ok(json.card);
    assert.equal(json.card.url, link);
    assert.equal(json.card.title, "Weaving & knitting");
    assert.equal(json.card.description, 'All about "looms"');
    assert.equal(json.card.image, site.url("/img/loom.png"));
    assert.equal(json.card.width, 640);
    assert.equal(json.card.provider_name, "Loom News");
    assert.equal(json.card.author_name, "Ada");
    assert.equal(json.card.published_at, "2026-11-01T10:00:00.000Z");
    assert.equal(json.card.html, "", "no remote embed HTML");
    assertMatchesEntity(json.card, "PreviewCard", tc);
    assertMatchesEntity(json, "Status", tc);
  });

  it("refuses a loopback link when private addresses are not allowed, and stores no card", async () => {
    const bob = await remoteAccount(strict, "bob");
    const s = await remotePost(strict, bob.id, site.url("/article-private"));
    await runCardJobs(strict);
    assert.equal(site.hits.get("/article-private"), undefined, "the site was never asked");
    assert.equal((await statusJson(strict, s.id)).card, null);
    const row = await strict.db.selectFrom("preview_cards").select("error").where("url", "=", site.url("/article-private")).executeTakeFirst();
    assert.equal(row?.error, "private_address");
  });

  it("refuses a host name that resolves to loopback, checking the addresses DNS gave", async () => {
    const err = await fetchPreviewPage(`http://localhost:${site.port()}/article-by-name`, strict.config).catch((e) => e);
    assert.ok(err instanceof CardFetchError);
    assert.equal(err.reason, "private_address");
    assert.equal(site.hits.get("/article-by-name"), undefined);
    const allowed = await fetchPreviewPage(`http://localhost:${site.port()}/article-by-name`, open.config).catch((e) => e);
    // localhost may resolve to ::1 first, where the site does not listen; either way, no refusal
    assert.ok(!(allowed instanceof CardFetchError && allowed.reason === "private_address"));
  });

  it("two statuses with the same link share one fetch and one card", async () => {
    const carol = await remoteAccount(open, "carol", "other.test");
    const zed = await remoteAccount(open, "zed");
    const link = site.url("/shared");
    const a = await remotePost(open, carol.id, link);
    const b = await remotePost(open, zed.id, link);
    await runCardJobs(open);
    assert.equal(site.hits.get("/shared"), 1);
    assert.equal((await statusJson(open, a.id)).card?.title, "Weaving & knitting");
    assert.equal((await statusJson(open, b.id)).card?.title, "Weaving & knitting");
    const cards = await open.db.selectFrom("preview_cards").select("id").where("url", "=", link).execute();
    assert.equal(cards.length, 1);
  });

  it("trends the links the most people shared this week, with a daily history", async (tc) => {
    const links = (await trendingLinks(open, { limit: 10, offset: 0 })).map(serializeTrendsLink);
    assert.equal(links[0].url, site.url("/shared"), "two people shared it");
    assert.ok(links.some((l) => l.url === site.url("/article")));
    assert.ok(!links.some((l) => l.url === site.url("/article-private")), "no card, no trend");
    assert.equal(links[0].history.length, 7);
    assert.deepEqual({ uses: links[0].history[0].uses, accounts: links[0].history[0].accounts }, { uses: "2", accounts: "2" });
    links.forEach((l) => assertMatchesEntity(l, "TrendsLink", tc));
  });

  it("gives no card to non-HTML pages, and queues none for posts with a poll or only mentions and hashtags", async () => {
    const dora = await createLocalAccount(open, { username: "dora" });
    const yan = await remoteAccount(open, "yan");
    const s = await remotePost(open, yan.id, site.url("/json"));
    const polled = await remotePost(open, yan.id, site.url("/article-poll"), { poll: true });
    const local = await createLocalStatus(open, { accountId: dora.id, text: "hello @alice #weaving https://example.com/about" });
    const localPoll = await createLocalStatus(open, {
      accountId: dora.id, text: "vote https://example.com/vote", poll: { options: ["a", "b"], expiresIn: 3600 },
    });
    await createLocalStatus(open, { accountId: dora.id, text: "hello @alice #weaving" });
    const queued = (await open.db.selectFrom("jobs").select("payload").execute()).map((r) => JSON.parse(r.payload)).filter((j) => j.kind === "card.fetch");
    assert.deepEqual(queued.map((j) => [j.statusId, j.url]), [[s.id, site.url("/json")], [local.id, "https://example.com/about"]]);
    assert.ok(!queued.some((j) => j.statusId === polled.id || j.statusId === localPoll.id));
    // example.com is not fetched from here: only the loopback site's card job is run
    await open.db.deleteFrom("jobs").where("payload", "like", "%example.com%").execute();
    await runCardJobs(open);
    assert.equal((await statusJson(open, s.id)).card, null);
    assert.equal((await statusJson(open, polled.id)).card, null);
    assert.equal(site.hits.get("/article-poll"), undefined);
  });

  it("reads only the first megabyte of a huge page and still previews it", async () => {
    const page = await fetchPreviewPage(site.url("/big"), open.config);
    assert.equal(page.truncated, true);
    assert.ok(Buffer.byteLength(page.html) <= MAX_BYTES + 16);
    const erin = await remoteAccount(open, "erin");
    const s = await remotePost(open, erin.id, site.url("/big"));
    await runCardJobs(open);
    assert.equal((await statusJson(open, s.id)).card?.title, "Big & knitting");
  });

  it("follows a redirect, but refuses one to an address that is not allowed and a fourth redirect", async () => {
    const ok = await fetchPreviewPage(site.url("/redirect-ok"), open.config);
    assert.equal(ok.url, site.url("/article-after-redirect"));
    const onlyThisLoopback = { allowAddress: (ip: string) => ip === "127.0.0.1" };
    await assert.rejects(
      fetchPreviewPage(site.url("/to-other-loopback"), open.config, onlyThisLoopback),
      (e) => e instanceof CardFetchError && e.reason === "private_address",
    );
    assert.equal((await fetchPreviewPage(site.url("/loop0"), open.config).catch((e) => e)).reason, "too_many_redirects");
    assert.equal(site.hits.get("/loop4"), undefined, "the fourth redirect is not followed");
  });

  it("gives up on a page that does not finish in time", async () => {
    const started = Date.now();
    const err = await fetchPreviewPage(site.url("/slow"), open.config, { timeoutMs: 300 }).catch((e) => e);
    assert.ok(err instanceof CardFetchError);
    assert.equal(err.reason, "timeout");
    assert.ok(Date.now() - started < 3000);
  });

  it("refuses non-http links and names a clear User-Agent", async () => {
    await assert.rejects(fetchPreviewPage("ftp://example.com/x", open.config), (e) => e instanceof CardFetchError && e.reason === "bad_url");
    let ua = "";
    const probe = http.createServer((req, res) => {
      ua = String(req.headers["user-agent"]);
      res.writeHead(200, { "content-type": "text/html" }).end("<title>x</title>");
    });
    probe.listen(0, "127.0.0.1");
    await once(probe, "listening");
    await fetchPreviewPage(`http://127.0.0.1:${(probe.address() as AddressInfo).port}/`, open.config);
    probe.close();
    assert.match(ua, /^Weft\/\d+\.\d+\.\d+ \(\+https:\/\/weft\.test\/\)$/);
  });
});

describe("which addresses and links a preview may use", () => {
  it("refuses loopback, private, link-local, multicast and reserved addresses, IPv4 and IPv6 alike", () => {
    for (const ip of [
      "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
      "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:7f00:1",
      "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:c0a8:0101::1", "2001:db8::1",
    ]) {
      assert.equal(isPublicAddress(ip), false, ip);
    }
    for (const ip of ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) {
      assert.equal(isPublicAddress(ip), true, ip);
    }
  });

  it("takes the first plain link, skipping mentions, hashtags and non-web links", () => {
    const html =
      '<p><span class="h-card"><a href="https://x.test/@bob" class="u-url mention">@<span>bob</span></a></span> ' +
      '<a href="https://x.test/tags/a" class="mention hashtag" rel="tag">#<span>a</span></a> ' +
      '<a href="https://plain.test/#tag">#untagged</a> <a href="mailto:a@b.test">mail</a> ' +
      '<a href="https://example.com/page#part">example.com/page</a> <a href="https://second.test/">2</a></p>';
    assert.equal(firstCardUrl(html), "https://example.com/page");
    assert.equal(firstCardUrl("<p>no links</p>"), null);
  });
});
