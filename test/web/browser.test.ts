import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { createLocalAccount } from "../../src/domain/accounts.ts";
import { createLocalStatus } from "../../src/domain/statuses.ts";
import { remoteAccount, remoteStatus, startWebServer, type WebServer } from "./support.ts";

/*
 * The public pages in a real browser: how they look from phone to desktop in light and dark
 * (screenshots under test-artifacts/web/ for a person to look at), that nothing is blocked or
 * broken without scripts, that text keeps its contrast, and that the feed parses as XML.
 */

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = path.resolve("test-artifacts/web");

/** WCAG contrast ratio of the computed text colour of `selector` against the page background it sits on. */
async function contrastOf(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) throw new Error(`no ${sel}`);
    const rgb = (s: string) => (s.match(/[\d.]+/g) ?? []).slice(0, 4).map(Number);
    const background = (node: Element | null): number[] => {
      for (let n = node; n; n = n.parentElement) {
        const c = rgb(getComputedStyle(n).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const a = lum(rgb(getComputedStyle(el).color).slice(0, 3));
    const b = lum(background(el));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }, selector);
}

describe("public pages in a browser", { skip: !fs.existsSync(CHROMIUM) && "Debian's chromium is not installed" }, () => {
  let server: WebServer;
  let browser: Browser;
  let statusId: string;
  let pollPath: string;

  before(async () => {
    server = await startWebServer();
    const ctx = server.app.ctx;
    const alice = await createLocalAccount(ctx, { username: "alice", displayName: "Alice Liddell" });
    await ctx.db
      .updateTable("accounts")
      .set({
        note: "Weaver, knitter, occasional poet. Posts about #looms and the yarn trade.",
        fields: JSON.stringify([
          { name: "Website", value: "https://alice.com", verified_at: "2024-05-01T00:00:00.000Z" },
          { name: "Pronouns", value: "she/her" },
        ]),
        followers_count: 1284,
        following_count: 311,
      })
      .where("id", "=", alice.id)
      .execute();
    await createLocalStatus(ctx, { accountId: alice.id, text: "Which fibre for a winter scarf?", poll: { options: ["Wool", "Alpaca", "Cotton"], expiresIn: 86400 } });
    await createLocalStatus(ctx, { accountId: alice.id, text: "The ending of that book!", spoilerText: "book spoilers" });
    const root = await createLocalStatus(ctx, {
      accountId: alice.id,
      text: "Finished the blue scarf today. Six weeks on the loom, and a very long URL for good measure: https://example.com/a/very/long/path/that/should/wrap/nicely/on/small/screens #looms",
    });
    statusId = root.id;
    const bob = await remoteAccount(server, "bob", "remote.example", { displayName: "Bob from elsewhere" });
    await remoteStatus(server, bob, { inReplyToUri: root.uri, content: "<p>Beautiful work! Which pattern is it?</p>" });
    const poll = await remoteStatus(server, bob, {
      content: "<p>Best loom for beginners?</p>",
      poll: { options: [{ title: "Rigid heddle", votes: 12 }, { title: "Floor loom", votes: 5 }, { title: "Inkle", votes: 3 }], multiple: false, expiresAt: new Date(Date.now() - 1000), votersCount: 20 },
    });
    pollPath = `/@bob@remote.example/${poll.id}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const scheme of ["light", "dark"] as const) {
    for (const [device, viewport] of [["phone", { width: 390, height: 844 }], ["desktop", { width: 1280, height: 900 }]] as const) {
      it(`lays out the profile on a ${device} in ${scheme} mode without overflow, blocked resources or faint text`, async () => {
        const context = await browser.newContext({ viewport, colorScheme: scheme, javaScriptEnabled: false });
        const page = await context.newPage();
        const problems: string[] = [];
        page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
        page.on("requestfailed", (r) => problems.push(`${r.url()} ${r.failure()?.errorText}`));
        const res = await page.goto(`${server.url}/@alice`);
        assert.equal(res?.status(), 200);
        await page.screenshot({ path: path.join(ARTIFACTS, `profile-${device}-${scheme}.png`), fullPage: true });
        assert.deepEqual(problems, []);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
        for (const sel of ["body", ".handle", ".muted", ".stats", "a.name", ".bio a", "details.cw > summary", ".fields dt"]) {
          const ratio = await contrastOf(page, sel);
          assert.ok(ratio >= 4.5, `${sel}: contrast ${ratio.toFixed(2)} below 4.5`);
        }
        await context.close();
      });
    }
  }

  it("has landmarks, one heading 1, alt text on every image, and opens a content warning without scripts", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/@alice`);
    assert.equal(await page.locator("header.site-header").count(), 1);
    assert.equal(await page.locator("main").count(), 1);
    assert.equal(await page.locator("footer").count(), 1);
    assert.equal(await page.locator("h1").count(), 1);
    assert.equal(await page.locator("img:not([alt])").count(), 0);
    const hidden = page.getByText("The ending of that book!");
    assert.equal(await hidden.isVisible(), false);
    await page.getByText("book spoilers").click();
    assert.equal(await hidden.isVisible(), true);
    await page.goto(`${server.url}/@alice/${statusId}`);
    await page.screenshot({ path: path.join(ARTIFACTS, "post-desktop-light.png"), fullPage: true });
    assert.equal(await page.getByText("Beautiful work! Which pattern is it?").isVisible(), true);
    await context.close();
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark", javaScriptEnabled: false });
    const pollPage = await phone.newPage();
    await pollPage.goto(`${server.url}${pollPath}`);
    await pollPage.screenshot({ path: path.join(ARTIFACTS, "poll-phone-dark.png"), fullPage: true });
    assert.equal(await pollPage.locator("meter").count(), 3);
    await phone.close();
  });

  it("serves a feed that the browser's XML parser accepts", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const feed = await (await fetch(`${server.url}/@alice.rss`)).text();
    const result = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, "application/xml");
      return {
        error: doc.querySelector("parsererror")?.textContent ?? null,
        root: doc.documentElement.nodeName,
        items: doc.querySelectorAll("channel > item").length,
      };
    }, feed);
    assert.deepEqual(result, { error: null, root: "rss", items: 3 });
    await context.close();
  });
});
