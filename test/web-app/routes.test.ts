import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Hono } from "hono";
import type { WeftApp } from "../../src/app.ts";
import { createLocalAccount } from "../../src/domain/accounts.ts";
import { createLocalStatus } from "../../src/domain/statuses.ts";
import { loadWebApp, mountWebApp } from "../../src/web/app-routes.ts";
import { testDialect } from "../helpers/db.ts";
import { startApiServer, type ApiServer } from "../helpers/server.ts";
import { ensureAppBuilt } from "./support.ts";

/*
 * How Weft serves its web app: the shell and hashed assets from this origin with the right
 * caching, the landing page for browsers the app has not signed in, and the app for those it
 * has on the URLs it shares with the public pages.
 */

const HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

describe(`serving the web app (${testDialect()})`, () => {
  let server: ApiServer;
  let statusId: string;

  before(async () => {
    ensureAppBuilt();
    server = await startApiServer();
    await server.ctx.db.insertInto("instance_settings").values({ key: "site_title", value: JSON.stringify("Loom & <Co>") }).execute();
    const alice = await createLocalAccount(server.ctx, { username: "alice" });
    statusId = (await createLocalStatus(server.ctx, { accountId: alice.id, text: "Hello" })).id;
  });
  after(() => server?.close());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { headers: { accept: HTML, ...headers }, redirect: "manual" });

  test("serves the shell on the app's own paths, never cached, with scripts from this origin only", async () => {
    for (const path of ["/notifications", "/settings/profile", "/search", "/auth/callback", "/sign-in"]) {
      const res = await get(path);
      assert.equal(res.status, 200, path);
      const text = await res.text();
      assert.match(text, /<div id="app">/);
      assert.match(text, /<title>Loom &#38; &#60;Co&#62;<\/title>/, "the instance's name, escaped");
      assert.match(res.headers.get("cache-control") ?? "", /no-cache/);
      const policy = res.headers.get("content-security-policy") ?? "";
      assert.match(policy, /script-src 'self'(;|$)/);
      assert.match(policy, /connect-src 'self'(;|$)/);
      assert.doesNotMatch(text, /https?:\/\/(?!127\.0\.0\.1)/, "the shell names no other origin");
    }
  });

  test("serves the built assets under hashed names with a year of immutable caching", async () => {
    const shell = await (await get("/notifications")).text();
    const assets = [...shell.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(assets.some((a) => a.endsWith(".js")) && assets.some((a) => a.endsWith(".css")), `assets in the shell: ${assets}`);
    for (const asset of assets) {
      const res = await get(asset);
      assert.equal(res.status, 200, asset);
      assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
      assert.match(res.headers.get("content-type") ?? "", asset.endsWith(".js") ? /javascript/ : /text\/css/);
    }
    assert.equal((await get("/assets/missing-0000.js")).status, 404);
    assert.equal((await get("/assets/..%2Fpackage.json")).status, 404);
  });

  test("shows the landing page at / to a browser the app has not signed in, with ways in", async () => {
    const res = await get("/");
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.doesNotMatch(text, /<div id="app">/);
    assert.match(text, /href="\/sign-in"/);
    assert.match(text, /href="\/sign-up"/);
  });

  test("gives a browser the app signed in the app at /, /@alice and /@alice/:id; feed readers and ActivityPub clients get what they asked for", async () => {
    const cookie = { cookie: "weft_app=1" };
    for (const path of ["/", "/@alice", `/@alice/${statusId}`, "/tags/looms"]) {
      const res = await get(path, cookie);
      assert.equal(res.status, 200, path);
      assert.match(await res.text(), /<div id="app">/, path);
      assert.match(res.headers.get("vary") ?? "", /Cookie/);
    }
    const feed = await get("/@alice.rss", { ...cookie, accept: "application/rss+xml" });
    assert.match(feed.headers.get("content-type") ?? "", /rss/);
    const actor = await get("/@alice", { ...cookie, accept: "application/activity+json" });
    assert.notEqual(actor.status, 200);
    assert.doesNotMatch(await actor.text(), /<div id="app">/);
    const publicPage = await get("/@alice");
    assert.doesNotMatch(await publicPage.text(), /<div id="app">/, "without the cookie the public page");
  });

  test("falls back to the landing page, and says so in the log, when the app was not built", async () => {
    const lines: string[] = [];
    const app = { ...server.app, log: { ...server.app.log, info: (_obj: unknown, msg?: string) => void lines.push(String(msg)) } } as unknown as WeftApp;
    assert.equal(loadWebApp(app, "/nonexistent/weft-dist"), null);
    assert.match(lines.join("\n"), /web app not built/);

    const routes = new Hono();
    mountWebApp(routes, server.app, null);
    const landing = await routes.request("/", { headers: { accept: HTML, cookie: "weft_app=1" } });
    assert.equal(landing.status, 200);
    const text = await landing.text();
    assert.doesNotMatch(text, /<div id="app">/);
    assert.doesNotMatch(text, /href="\/sign-in"/, "no link to an app that is not there");
    assert.equal((await routes.request("/notifications")).status, 404);
  });
});
