import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createRestAPIClient, type mastodon } from "masto";
import type { Browser } from "playwright-core";
import { testDialect } from "../helpers/db.ts";
import { startInstance, type WeftInstance } from "../helpers/instance.ts";
import { browserSkip, ensureAppBuilt, launchBrowser, openApp, PHONE, type AppPage } from "./support.ts";

/*
 * Reading in the app on one server: signing up, the feed that grows as the reader scrolls and
 * keeps still when new posts arrive, and the keyboard.
 */

describe(`reading and signing up in the web app (${testDialect()})`, { skip: browserSkip, timeout: 240_000 }, () => {
  let a: WeftInstance;
  let browser: Browser;
  let app: AppPage;
  let api: mastodon.rest.Client;

  before(async () => {
    ensureAppBuilt();
    a = await startInstance();
    browser = await launchBrowser();
    app = await openApp(browser, a, { viewport: PHONE });
  });
  after(async () => {
    await browser?.close();
    await a?.destroy();
  });

  test("a newcomer signs up from the landing page while registrations are open, and starts on an empty home feed", async () => {
    const { page } = app;
    await page.goto("/");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Username").fill("dora");
    await page.getByLabel("E-mail address").fill("dora@example.com");
    await page.getByLabel("Password", { exact: true }).fill("a long enough password");
    await page.getByLabel("I agree to the server rules").check();
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("navigation", { name: "Main" }).waitFor();
    await page.getByText("Your feed is empty.").waitFor();
    api = createRestAPIClient({ url: a.origin, accessToken: await a.token("dora") });
    const me = await api.v1.accounts.verifyCredentials();
    assert.equal(me.username, "dora");
  });

  test("the feed loads older posts as she scrolls, and a new post waits behind a button instead of moving what she reads", async () => {
    const { page } = app;
    for (let i = 1; i <= 45; i++) await api.v1.statuses.create({ status: `Post number ${i} of a long day at the loom.` });
    await page.goto("/");
    const feed = page.getByRole("feed", { name: "Following" });
    await feed.getByRole("article").first().waitFor();
    assert.equal(await feed.getByRole("article").count(), 20, "one page at first");

    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForFunction(() => document.querySelectorAll('[role="feed"] article').length > 20);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await feed.getByRole("article").filter({ hasText: "Post number 1 of" }).waitFor();
    await page.getByText("You're all caught up.").waitFor();

    // Reading somewhere in the middle when a new post arrives.
    const anchor = feed.getByRole("article").filter({ hasText: "Post number 30 of" });
    await anchor.scrollIntoViewIfNeeded();
    const before = (await anchor.boundingBox())!.y;
    await api.v1.statuses.create({ status: "Fresh off the loom!" });
    const button = page.getByRole("button", { name: "1 new post" });
    await button.waitFor();
    assert.ok(Math.abs((await anchor.boundingBox())!.y - before) < 1, "the post being read did not move");
    assert.equal(await feed.getByRole("article").filter({ hasText: "Fresh off the loom!" }).count(), 0);

    await button.click();
    await feed.getByRole("article").first().filter({ hasText: "Fresh off the loom!" }).waitFor();
    assert.ok((await page.evaluate(() => window.scrollY)) < 50, "back at the top");
  });

  test("the keyboard reaches everything: n writes, j and k move between posts, Enter opens one", async () => {
    const { page } = app;
    await page.goto("/");
    await page.getByRole("feed", { name: "Following" }).getByRole("article").first().waitFor();
    await page.keyboard.press("n");
    const dialog = page.getByRole("dialog", { name: "New post" });
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), "composer-text", "the text box has focus");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });

    await page.keyboard.press("j");
    await page.keyboard.press("j");
    const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText ?? "");
    assert.match(await focused(), /Post number 45 of/);
    await page.keyboard.press("k");
    assert.match(await focused(), /Fresh off the loom!/);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Thread", level: 1 }).waitFor();

    // The like button is a real button: Tab reaches it and Space presses it.
    const like = page.locator("article.status.focus").getByRole("button", { name: /^Like/ });
    await like.focus();
    await page.keyboard.press("Space");
    await page.waitForFunction(() => document.querySelector('article.status.focus button.like')?.getAttribute("aria-pressed") === "true");
    assert.deepEqual(app.problems, []);
  });

  test("signing out revokes the token and hands shared addresses back to the public pages", async () => {
    const { page } = app;
    await page.goto("/settings/account");
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem("weft:session") ?? "{}").token as string);
    assert.equal((await a.fetch("/api/v1/accounts/verify_credentials", { token })).status, 200);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((u) => u.pathname === "/");
    assert.equal((await a.fetch("/api/v1/accounts/verify_credentials", { token })).status, 401, "the token was revoked");
    await page.getByRole("link", { name: "Sign in" }).waitFor();
    await page.goto("/@dora");
    assert.equal(await page.locator("#app").count(), 0, "the server-rendered profile, not the app");
    await page.getByRole("heading", { name: "dora" }).first().waitFor();
  });
});
