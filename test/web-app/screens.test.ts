import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createRestAPIClient, type mastodon } from "masto";
import type { Browser } from "playwright-core";
import { testDialect } from "../helpers/db.ts";
import { startInstance, type WeftInstance } from "../helpers/instance.ts";
import { eventually } from "../helpers/wait.ts";
import {
  browserSkip,
  describeViolations,
  DESKTOP,
  ensureAppBuilt,
  launchBrowser,
  openApp,
  PHONE,
  samplePicture,
  screenshot,
  seriousViolations,
  signIn,
  type AppPage,
} from "./support.ts";

/*
 * The main screens of the app with real content from two servers: screenshots at phone and
 * desktop sizes (test-artifacts/screenshots/, for a person to look at), an axe-core pass with
 * no serious or critical violations, and no page wider than the screen.
 */

const until = <T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 30_000) => eventually(probe, what, ms);

interface Screen {
  name: string;
  path: () => string;
  /** what to wait for before the screen counts as drawn */
  ready: (app: AppPage) => Promise<unknown>;
}

describe(`the web app's main screens (${testDialect()})`, { skip: browserSkip, timeout: 300_000 }, () => {
  let a: WeftInstance;
  let b: WeftInstance;
  let browser: Browser;
  let alicePassword: string;
  let threadPath: string;
  const screens: Screen[] = [];

  before(async () => {
    ensureAppBuilt();
    [a, b] = await Promise.all([startInstance(), startInstance()]);
    const [alice] = await Promise.all([a.createAccount("alice"), a.createAccount("carol"), b.createAccount("bob")]);
    alicePassword = alice.password;
    const aliceApi = createRestAPIClient({ url: a.origin, accessToken: await a.token("alice") });
    const carolApi = createRestAPIClient({ url: a.origin, accessToken: await a.token("carol") });
    const bobApi = createRestAPIClient({ url: b.origin, accessToken: await b.token("bob") });
    await seed(aliceApi, carolApi, bobApi);
    browser = await launchBrowser();

    screens.push(
      { name: "home", path: () => "/", ready: ({ page }) => page.getByRole("feed", { name: "Following" }).getByRole("article").first().waitFor() },
      { name: "thread", path: () => threadPath, ready: ({ page }) => page.getByRole("heading", { name: /replies|reply/ }).waitFor() },
      { name: "profile", path: () => "/@alice", ready: ({ page }) => page.getByRole("feed").getByRole("article").first().waitFor() },
      { name: "remote-profile", path: () => `/@bob@${b.domain}`, ready: ({ page }) => page.getByRole("feed").getByRole("article").first().waitFor() },
      { name: "notifications", path: () => "/notifications", ready: ({ page }) => page.getByRole("feed", { name: "Notifications" }).locator("article").first().waitFor() },
      { name: "search", path: () => `/search?q=${encodeURIComponent(`@bob@${b.domain}`)}`, ready: ({ page }) => page.locator(".account-row").first().waitFor() },
      { name: "settings", path: () => "/settings/profile", ready: ({ page }) => page.getByLabel("Bio").waitFor() },
      { name: "settings-privacy", path: () => "/settings/privacy", ready: ({ page }) => page.getByRole("switch", { name: "Share with the fediverse" }).waitFor() },
    );
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  async function seed(alice: mastodon.rest.Client, carol: mastodon.rest.Client, bob: mastodon.rest.Client): Promise<void> {
    await alice.v1.accounts.updateCredentials({
      displayName: "Alice Weaver",
      note: "Weaver and knitter. Posts about #looms, yarn and the odd poem.",
      fieldsAttributes: [{ name: "Pronouns", value: "she/her" }, { name: "Studio", value: "Tuesdays and Thursdays" }],
    });
    await bob.v1.accounts.updateCredentials({ displayName: "Bob from B" });
    const found = await bob.v2.search.list({ q: a.handle("alice"), resolve: true, type: "accounts" });
    await bob.v1.accounts.$select(found.accounts[0].id).follow();
    await alice.v1.accounts.$select((await carol.v1.accounts.verifyCredentials()).id).follow();
    const bobOnA = (await alice.v2.search.list({ q: b.handle("bob"), resolve: true, type: "accounts" })).accounts[0];
    await alice.v1.accounts.$select(bobOnA.id).follow();
    await until("follows both ways", async () => {
      const [rel] = await alice.v1.accounts.relationships.fetch({ id: [bobOnA.id] });
      return rel?.following && rel.followedBy;
    });

    const morning = await carol.v1.statuses.create({ status: "Morning! The dye pots are out, come by the studio. #looms" });
    const dyed = await carol.v2.media.create({ file: new Blob([new Uint8Array(await samplePicture())], { type: "image/png" }), description: "Hands stained blue from the dye pot" });
    await carol.v1.statuses.create({ status: "Indigo day. Not for the faint of heart.", mediaIds: [dyed.id], sensitive: true });
    await alice.v1.statuses.create({ status: "Which fibre for a winter scarf?", poll: { options: ["Wool", "Alpaca", "Cotton"], expiresIn: 86_400 } });
    await alice.v1.statuses.create({ status: "The ending of that book! I did not see it coming.", spoilerText: "book spoilers" });
    const media = await alice.v2.media.create({ file: new Blob([new Uint8Array(await samplePicture())], { type: "image/png" }), description: "Orange gradient with a circle, a square and a wave" });
    const photo = await alice.v1.statuses.create({ status: "Finished the sunset scarf today. Six weeks on the loom! #looms", mediaIds: [media.id] });
    threadPath = `/@alice/${photo.id}`;

    const photoOnB = await until("the post on bob's server", async () => (await bob.v1.timelines.home.list()).find((s) => s.uri === photo.uri));
    const morningOnB = (await bob.v2.search.list({ q: morning.url!, resolve: true, type: "statuses" })).statuses[0];
    await bob.v1.statuses.$select(morningOnB.id).reblog();
    await bob.v1.statuses.$select(photoOnB.id).favourite();
    await bob.v1.statuses.create({ status: `@alice@${a.domain} Gorgeous colours! Which yarn did you use?`, inReplyToId: photoOnB.id });
    await bob.v1.statuses.create({ status: "Trying a new rigid heddle loom this weekend. Any tips from the weavers here?" });
    await carol.v1.statuses.create({ status: `@alice that scarf is wonderful`, inReplyToId: photo.id });
    await until("bob's reply and post on alice's server", async () => {
      const home = await alice.v1.timelines.home.list();
      const notes = await alice.v1.notifications.list();
      return home.some((s) => s.content.includes("rigid heddle")) && notes.some((n) => n.type === "mention") && notes.some((n) => n.type === "favourite");
    });
  }

  for (const [size, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    test(`screens at ${size} size (${viewport.width}×${viewport.height}) draw without overflow or errors`, async () => {
      const app = await openApp(browser, a, { viewport });
      try {
        await signIn(app, { username: "alice", password: alicePassword });
        for (const screen of screens) {
          await app.page.goto(screen.path());
          await screen.ready(app);
          await app.page.waitForLoadState("networkidle");
          await screenshot(app.page, `${screen.name}-${size}`);
          if (screen.name === "home") await screenshot(app.page, `home-${size}-full`, { fullPage: true });
          const overflow = await app.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `${screen.name} is ${overflow}px wider than the ${size} screen`);
        }
        await app.page.goto("/");
        await screens[0].ready(app);
        await app.page.getByRole("button", { name: "New post" }).click();
        await app.page.getByRole("dialog", { name: "New post" }).getByLabel("Post text").fill("Drafting a post about warp tension…");
        await screenshot(app.page, `compose-${size}`);
        app.page.once("dialog", (d) => void d.accept());
        await app.page.keyboard.press("Escape");
        await app.page.getByRole("dialog", { name: "New post" }).waitFor({ state: "detached" });
        assert.deepEqual(app.problems, []);
      } finally {
        await app.context.close();
      }
    });
  }

  test("the home screen in dark mode, phone and desktop", async () => {
    for (const [size, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
      const app = await openApp(browser, a, { viewport, colorScheme: "dark" });
      try {
        await signIn(app, { username: "alice", password: alicePassword });
        await screens[0].ready(app);
        await app.page.waitForLoadState("networkidle");
        await screenshot(app.page, `home-${size}-dark`);
        await app.page.goto(threadPath);
        await screens[1].ready(app);
        await app.page.waitForLoadState("networkidle");
        await screenshot(app.page, `thread-${size}-dark`);
      } finally {
        await app.context.close();
      }
    }
  });

  test("axe finds no serious or critical accessibility problems on the main screens, light or dark", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const app = await openApp(browser, a, { colorScheme });
      try {
        await signIn(app, { username: "alice", password: alicePassword });
        const found: string[] = [];
        for (const screen of screens) {
          await app.page.goto(screen.path());
          await screen.ready(app);
          await app.page.waitForLoadState("networkidle");
          const violations = await seriousViolations(app.page);
          if (violations.length) found.push(`${screen.name} (${colorScheme}):\n${describeViolations(violations)}`);
        }
        await app.page.goto("/");
        await screens[0].ready(app);
        await app.page.getByRole("button", { name: "New post" }).click();
        await app.page.getByRole("dialog", { name: "New post" }).waitFor();
        const composer = await seriousViolations(app.page);
        if (composer.length) found.push(`compose (${colorScheme}):\n${describeViolations(composer)}`);
        assert.equal(found.length, 0, found.join("\n\n"));
      } finally {
        await app.context.close();
      }
    }
  });

  test("the signed-out welcome and sign-up screens pass axe too", async () => {
    const app = await openApp(browser, a, { viewport: PHONE });
    try {
      await app.page.goto("/sign-in");
      await app.page.getByRole("button", { name: "Sign in" }).waitFor();
      await screenshot(app.page, "welcome-phone");
      const welcome = await seriousViolations(app.page);
      await app.page.goto("/sign-up");
      await app.page.getByLabel("Username").waitFor();
      await screenshot(app.page, "sign-up-phone");
      const signUp = await seriousViolations(app.page);
      assert.equal(welcome.length + signUp.length, 0, describeViolations([...welcome, ...signUp]));
    } finally {
      await app.context.close();
    }
  });
});
