import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createRestAPIClient, type mastodon } from "masto";
import type { Browser } from "playwright-core";
import { testDialect } from "../helpers/db.ts";
import { startInstance, type WeftInstance } from "../helpers/instance.ts";
import { eventually } from "../helpers/wait.ts";
import { browserSkip, ensureAppBuilt, launchBrowser, openApp, samplePicture, screenshot, signIn, type AppPage } from "./support.ts";

/*
 * The web app end to end, as a person uses it: two Weft servers over HTTPS on their own loopback
 * addresses; alice uses the app in Chromium on the first, bob uses the `masto` client on the
 * second. Everything the app does goes through Weft's OAuth, Mastodon API and streaming.
 */

const until = <T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 30_000) => eventually(probe, what, ms);

describe(`the web app, end to end across two servers (${testDialect()})`, { skip: browserSkip, timeout: 300_000 }, () => {
  let a: WeftInstance;
  let b: WeftInstance;
  let browser: Browser;
  let app: AppPage;
  let bob: mastodon.rest.Client;
  let alicePassword: string;
  const postText = "Warped the loom today. Six weeks to go!";
  const altText = "An orange gradient with a white circle, a blue square and a wave";
  let postUrlOnA: string;

  before(async () => {
    ensureAppBuilt();
    [a, b] = await Promise.all([startInstance(), startInstance()]);
    const [alice] = await Promise.all([a.createAccount("alice"), b.createAccount("bob")]);
    alicePassword = alice.password;
    bob = createRestAPIClient({ url: b.origin, accessToken: await b.token("bob") });
    browser = await launchBrowser();
    app = await openApp(browser, a);
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  test("alice signs in through Weft's OAuth page and lands on her home feed", async () => {
    await signIn(app, { username: "alice", password: alicePassword });
    await app.page.getByRole("feed", { name: "Following" }).waitFor({ state: "attached" });
    assert.equal(new URL(app.page.url()).pathname, "/");
    // The app remembers the browser: / now serves the app rather than the landing page.
    await app.page.reload();
    await app.page.getByRole("navigation", { name: "Main" }).waitFor();
  });

  test("she posts a picture with a description; it is in her feed with that alt text, and opens as a thread", async () => {
    const { page } = app;
    await page.getByRole("button", { name: "New post" }).click();
    const dialog = page.getByRole("dialog", { name: "New post" });
    await dialog.getByLabel("Post text").fill(postText);
    await dialog.locator('input[type="file"]').setInputFiles({ name: "loom.png", mimeType: "image/png", buffer: await samplePicture() });
    await dialog.getByLabel("Description (alt text) for picture 1").fill(altText);
    await dialog.getByText("Uploaded").waitFor();
    await screenshot(page, "compose-desktop");
    await dialog.getByRole("button", { name: "Post", exact: true }).click();
    await dialog.waitFor({ state: "detached" });

    const article = page.getByRole("feed", { name: "Following" }).getByRole("article").filter({ hasText: postText });
    await article.waitFor();
    const img = article.getByRole("img", { name: altText });
    await img.waitFor();
    assert.match((await img.getAttribute("src")) ?? "", new RegExp(`^${a.origin}/`));

    // The lightbox shows the picture with its description.
    await article.getByRole("button", { name: `Open picture 1: ${altText}` }).click();
    const lightbox = page.getByRole("dialog", { name: "Media 1 of 1" });
    await lightbox.getByText(altText).waitFor();
    await page.keyboard.press("Escape");
    await lightbox.waitFor({ state: "detached" });

    await article.locator("a.time").click();
    await page.getByRole("heading", { name: "Thread", level: 1 }).waitFor();
    assert.match(page.url(), /\/@alice\/\d+$/);
    await page.locator("article.status.focus").filter({ hasText: postText }).waitFor();
    postUrlOnA = page.url();
  });

  test("bob on the other server follows her and replies; the reply appears in her open thread without a reload", async () => {
    const { page } = app;
    const found = await bob.v2.search.list({ q: a.handle("alice"), resolve: true, type: "accounts" });
    await bob.v1.accounts.$select(found.accounts[0].id).follow();
    await until("bob following alice", async () => (await bob.v1.accounts.relationships.fetch({ id: [found.accounts[0].id] }))[0]?.following);
    const onB = await until("alice's post on bob's server", async () => (await bob.v2.search.list({ q: postUrlOnA, resolve: true, type: "statuses" })).statuses[0]);
    await bob.v1.statuses.create({ status: `@alice@${a.domain} Lovely colours! Which yarn is that?`, inReplyToId: onB.id });

    const reply = page.getByRole("article").filter({ hasText: "Lovely colours!" });
    await reply.waitFor({ timeout: 30_000 });
    // A reply from another server shows where it comes from.
    await reply.getByText(`@bob@${b.domain}`).waitFor();
    await reply.getByText(`From ${b.domain}, on the fediverse`).waitFor({ state: "attached" });
    await page.getByRole("heading", { name: /1 reply/ }).waitFor();
    // And the bell counts it.
    await page.getByRole("link", { name: /Notifications \(\d+ unread\)/ }).waitFor();
  });

  test("she likes the reply back: it shows at once, and bob's server counts it", async () => {
    const { page } = app;
    const reply = page.getByRole("article").filter({ hasText: "Lovely colours!" });
    const like = reply.getByRole("button", { name: /^Like/ });
    await like.click();
    assert.equal(await like.getAttribute("aria-pressed"), "true");
    await screenshot(page, "thread-desktop");
    await until("the like to reach bob's server", async () => {
      const [mine] = await bob.v1.accounts.$select((await bob.v1.accounts.verifyCredentials()).id).statuses.list({ limit: 1 });
      return mine?.favouritesCount === 1;
    });
  });

  test("she follows bob by pasting his handle into search, then votes in his poll as it arrives live", async () => {
    const { page } = app;
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Search" }).click();
    await page.getByLabel(/Search people/).fill(`@bob@${b.domain}`);
    await page.getByLabel(/Search people/).press("Enter");
    const row = page.locator(".account-row").filter({ hasText: `@bob@${b.domain}` });
    await row.getByRole("button", { name: /^Follow/ }).click();
    await row.getByRole("button", { name: /^Following/ }).waitFor();
    await until("bob to be followed by alice on his server", async () => {
      const me = await bob.v1.accounts.verifyCredentials();
      return me.followersCount === 1;
    });

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
    await page.getByRole("feed", { name: "Following" }).waitFor({ state: "attached" });
    await bob.v1.statuses.create({ status: "Best fibre for a winter scarf?", poll: { options: ["Wool", "Alpaca", "Cotton"], expiresIn: 86400 } });
    const poll = page.getByRole("article").filter({ hasText: "Best fibre for a winter scarf?" });
    await poll.waitFor({ timeout: 30_000 });
    await poll.getByLabel("Alpaca").check();
    await poll.getByRole("button", { name: "Vote" }).click();
    await poll.getByRole("list", { name: "Poll results" }).waitFor();
    await poll.getByText("Your vote").waitFor();
    await until("the vote to be counted on bob's server", async () => {
      const [latest] = await bob.v1.accounts.$select((await bob.v1.accounts.verifyCredentials()).id).statuses.list({ limit: 1 });
      return latest?.poll?.options[1].votesCount === 1;
    });
    await screenshot(page, "home-desktop");
  });

  test("she turns fediverse sharing off in settings; her actor can no longer be fetched from other servers", async () => {
    const { page } = app;
    const actor = a.url("/users/alice");
    const before = await fetch(actor, { headers: { accept: "application/activity+json" } });
    assert.equal(before.status, 200);
    const known = async () => (await bob.v2.search.list({ q: a.handle("alice"), type: "accounts" })).accounts.length;
    assert.equal(await known(), 1, "bob's server knows alice before");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await page.getByRole("link", { name: "Privacy & fediverse" }).click();
    const toggle = page.getByRole("switch", { name: "Share with the fediverse" });
    assert.equal(await toggle.isChecked(), true);
    page.once("dialog", (d) => void d.accept());
    await toggle.click();
    await page.getByText("Saved").waitFor();
    assert.equal(await toggle.isChecked(), false);
    await screenshot(page, "settings-desktop");

    const res = await fetch(actor, { headers: { accept: "application/activity+json" } });
    assert.ok(res.status === 404 || res.status === 410, `actor answered ${res.status}`);
    // And the other server drops her profile, told by the Delete the switch sent.
    await until("bob's server to forget alice", async () => (await known()) === 0);
  });

  test("nothing was loaded from another origin and nothing failed in the page", () => {
    assert.deepEqual(app.problems, []);
  });
});
