import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { createLocalAccount, type Account } from "../../src/domain/accounts.ts";
import { blockAccount, muteAccount } from "../../src/domain/blocks.ts";
import { blockDomain } from "../../src/domain/domain-blocks.ts";
import { followAccount } from "../../src/domain/follows.ts";
import { newId, nowIso } from "../../src/domain/ids.ts";
import { writeMediaFile } from "../../src/domain/media-files.ts";
import { createAccessToken, createOauthApp } from "../../src/domain/tokens.ts";
import { testDialect } from "../helpers/db.ts";
import { makeAccount, makeMedia, relate } from "../helpers/factories.ts";
import { startApiServer, type ApiServer } from "../helpers/server.ts";

/*
 * The account settings Mastodon renders on the server (password, authorized apps, export,
 * deletion), through real HTTP: a browser that keeps cookies signs in with the OAuth session,
 * posts forms with their CSRF token, and the effects are checked where a user or an app sees
 * them (the API, downloaded files).
 */

class Browser {
  readonly cookies = new Map<string, string>();
  readonly base: string;
  constructor(base: string) {
    this.base = base;
  }

  async request(pathname: string, form?: Record<string, string>): Promise<{ status: number; text: string; bytes: Buffer; location: string | null; type: string | null }> {
    const headers: Record<string, string> = { accept: "text/html" };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    let body: URLSearchParams | undefined;
    if (form) {
      body = new URLSearchParams(form);
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const res = await fetch(`${this.base}${pathname}`, { method: form ? "POST" : "GET", headers, body, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const [name, value] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
      if (attrs.some((a) => /max-age=0/i.test(a.trim())) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, text: bytes.toString("utf8"), bytes, location: res.headers.get("location"), type: res.headers.get("content-type") };
  }

  static token(html: string): string {
    const m = /name="authenticity_token" value="([^"]+)"/.exec(html);
    assert.ok(m, "the page has a CSRF token");
    return m[1];
  }

  async signIn(username: string, password: string, returnTo = "/settings/password"): Promise<void> {
    const page = await this.request(`/settings/sign-in?return_to=${encodeURIComponent(returnTo)}`);
    assert.equal(page.status, 200, page.text);
    const res = await this.request("/settings/sign-in", { authenticity_token: Browser.token(page.text), return_to: returnTo, username, password });
    assert.equal(res.status, 303, res.text);
    assert.equal(res.location, returnTo);
  }

  /** Opens the page and submits its form (the one at `action`) with `fields` and the page's CSRF token. */
  async submit(page: string, action: string, fields: Record<string, string>) {
    const opened = await this.request(page);
    assert.equal(opened.status, 200, opened.text);
    return this.request(action, { authenticity_token: Browser.token(opened.text), ...fields });
  }
}

async function apiStatus(server: ApiServer, token: string, pathname = "/api/v1/accounts/verify_credentials"): Promise<number> {
  const res = await fetch(`${server.url}${pathname}`, { headers: { authorization: `Bearer ${token}` } });
  await res.body?.cancel();
  return res.status;
}

async function post(server: ApiServer, token: string, status: string, visibility = "public"): Promise<{ id: string; uri: string }> {
  const res = await fetch(`${server.url}/api/v1/statuses`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ status, visibility }),
  });
  assert.equal(res.status, 200);
  return (await res.json()) as { id: string; uri: string };
}

async function appToken(server: ApiServer, account: Account, name: string): Promise<{ appId: string; token: string }> {
  const app = await createOauthApp(server.ctx, { name, website: "https://client.example", redirectUris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write" });
  const { token } = await createAccessToken(server.ctx, { accountId: account.id, appId: app.id, scopes: "read write" });
  return { appId: app.id, token };
}

describe(`account settings pages (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: Account;
  let bob: Account;

  before(async () => {
    server = await startApiServer();
    alice = await createLocalAccount(server.ctx, { username: "alice", password: "alice's long password" });
    bob = await createLocalAccount(server.ctx, { username: "bob", password: "bob's long password" });
  });
  after(() => server?.close());

  test("sends a browser without a session to the sign-in form, and back to the page after signing in", async () => {
    const browser = new Browser(server.url);
    for (const page of ["/settings/password", "/settings/apps", "/settings/export", "/settings/delete", "/settings/export/following_accounts.csv"]) {
      const res = await browser.request(page);
      assert.equal(res.status, 303, page);
      assert.match(res.location ?? "", /^\/settings\/sign-in\?return_to=/);
    }
    const form = await browser.request("/settings/sign-in?return_to=%2Fsettings%2Fapps");
    const wrong = await browser.request("/settings/sign-in", { authenticity_token: Browser.token(form.text), return_to: "/settings/apps", username: "alice", password: "nope" });
    assert.equal(wrong.status, 401);
    assert.match(wrong.text, /Invalid username/);
    await browser.signIn("alice", "alice's long password", "/settings/apps");
    const apps = await browser.request("/settings/apps");
    assert.equal(apps.status, 200);
    assert.match(apps.text, /Authorized apps/);
    assert.match(apps.text, /@alice/);
  });

  test("refuses a form posted without a valid CSRF token, and changes nothing", async () => {
    const { token } = await appToken(server, bob, "Kept app");
    const browser = new Browser(server.url);
    await browser.signIn("bob", "bob's long password");
    const res = await browser.request("/settings/delete", { authenticity_token: "forged", password: "bob's long password" });
    assert.equal(res.status, 403);
    const noToken = await browser.request("/settings/password", {
      current_password: "bob's long password", new_password: "a brand new password", new_password_confirmation: "a brand new password",
    });
    assert.equal(noToken.status, 403);
    assert.equal(await apiStatus(server, token), 200, "bob still exists and his token still works");
  });

  test("refuses a wrong current password, a short one and a mismatched confirmation", async () => {
    const browser = new Browser(server.url);
    await browser.signIn("bob", "bob's long password");
    const wrong = await browser.submit("/settings/password", "/settings/password", {
      current_password: "not it", new_password: "a brand new password", new_password_confirmation: "a brand new password",
    });
    assert.equal(wrong.status, 401);
    assert.match(wrong.text, /current password is not right/);
    const short = await browser.submit("/settings/password", "/settings/password", {
      current_password: "bob's long password", new_password: "short", new_password_confirmation: "short",
    });
    assert.equal(short.status, 422);
    assert.match(short.text, /at least 8 characters/);
    const mismatch = await browser.submit("/settings/password", "/settings/password", {
      current_password: "bob's long password", new_password: "a brand new password", new_password_confirmation: "another new password",
    });
    assert.equal(mismatch.status, 422);
    assert.match(mismatch.text, /do not match/);
    const again = new Browser(server.url);
    await again.signIn("bob", "bob's long password");
  });

  test("changing the password signs out every app and every browser; the new password signs in", async () => {
    const carol = await createLocalAccount(server.ctx, { username: "carol", password: "carol's old password" });
    const first = await appToken(server, carol, "Phone app");
    const second = await appToken(server, carol, "Desktop app");
    const otherBrowser = new Browser(server.url);
    await otherBrowser.signIn("carol", "carol's old password");
    assert.equal((await otherBrowser.request("/settings/password")).status, 200);
    const browser = new Browser(server.url);
    await browser.signIn("carol", "carol's old password");
    const page = await browser.request("/settings/password");
    assert.match(page.text, /signs you out everywhere/);
    const res = await browser.request("/settings/password", {
      authenticity_token: Browser.token(page.text),
      current_password: "carol's old password",
      new_password: "carol's new password",
      new_password_confirmation: "carol's new password",
    });
    assert.equal(res.status, 303);
    assert.match(res.location ?? "", /^\/settings\/sign-in\?done=password/);
    assert.match((await browser.request(res.location!)).text, /password was changed/);
    assert.equal(await apiStatus(server, first.token), 401);
    assert.equal(await apiStatus(server, second.token), 401);
    assert.equal((await browser.request("/settings/password")).status, 303, "this browser is signed out too");
    assert.equal((await otherBrowser.request("/settings/password")).status, 303, "and so is another browser");

    const old = await browser.request("/settings/sign-in?return_to=%2Fsettings%2Fpassword");
    const refused = await browser.request("/settings/sign-in", { authenticity_token: Browser.token(old.text), return_to: "/settings/password", username: "carol", password: "carol's old password" });
    assert.equal(refused.status, 401);
    await browser.signIn("carol", "carol's new password");
  });

  test("lists the apps holding a live token with their scopes, and Revoke signs that app out", async () => {
    const dave = await createLocalAccount(server.ctx, { username: "dave", password: "dave's long password" });
    const tusky = await appToken(server, dave, "Tusky Test");
    const ivory = await appToken(server, dave, "Ivory Test");
    const browser = new Browser(server.url);
    await browser.signIn("dave", "dave's long password", "/settings/apps");
    const page = await browser.request("/settings/apps");
    assert.match(page.text, /Tusky Test/);
    assert.match(page.text, /Ivory Test/);
    assert.match(page.text, /https:\/\/client\.example/);
    assert.match(page.text, /\(write\)/);
    assert.match(page.text, /aria-label="Revoke Tusky Test"/);

    const res = await browser.request(`/settings/apps/${tusky.appId}/revoke`, { authenticity_token: Browser.token(page.text) });
    assert.equal(res.status, 303);
    assert.equal(await apiStatus(server, tusky.token), 401);
    assert.equal(await apiStatus(server, ivory.token), 200, "the other app stays signed in");
    const after = await browser.request(res.location!);
    assert.match(after.text, /signed out of your account/);
    assert.doesNotMatch(after.text, /Tusky Test/);
    assert.match(after.text, /Ivory Test/);
  });

  test("exports follows, blocks, mutes, blocked servers and lists as Mastodon's CSV files", async () => {
    const erin = await createLocalAccount(server.ctx, { username: "erin", password: "erin's long password" });
    const rita = await makeAccount(server.ctx.db, { username: "rita", domain: "remote.example" });
    const sam = await makeAccount(server.ctx.db, { username: "sam", domain: "other.example" });
    await followAccount(server.ctx, erin.id, alice.id, { reblogs: false, notify: true });
    // A follow of a remote account counts once that server accepted it.
    await relate(server.ctx.db, "follows", erin, rita);
    const listId = newId();
    await server.ctx.db.insertInto("lists").values({ id: listId, account_id: erin.id, title: "Knitters, mostly", replies_policy: "list", exclusive: 0, created_at: nowIso(), updated_at: nowIso() }).execute();
    await server.ctx.db.insertInto("list_accounts").values({ id: newId(), list_id: listId, account_id: rita.id, follow_id: null, created_at: nowIso() }).execute();
    await blockAccount(server.ctx, erin.id, sam.id);
    await muteAccount(server.ctx, erin.id, bob.id, { notifications: false });
    await blockDomain(server.ctx, erin.id, "spam.example");
    const host = new URL(server.url).host;

    const browser = new Browser(server.url);
    await browser.signIn("erin", "erin's long password", "/settings/export");
    const page = await browser.request("/settings/export");
    for (const file of ["following_accounts", "blocked_accounts", "muted_accounts", "blocked_domains", "bookmarks", "lists"]) {
      assert.match(page.text, new RegExp(`href="/settings/export/${file}\\.csv"`));
    }
    assert.match(page.text, /href="\/settings\/export\/archive\.zip"/);

    const following = await browser.request("/settings/export/following_accounts.csv");
    assert.equal(following.status, 200);
    assert.match(following.type ?? "", /^text\/csv/);
    assert.equal(following.text, [
      "Account address,Show boosts,Notify on new posts,Languages",
      `alice@${host},false,true,`,
      "rita@remote.example,true,false,",
      "",
    ].join("\n"));
    assert.equal((await browser.request("/settings/export/blocked_accounts.csv")).text, "sam@other.example\n");
    assert.equal((await browser.request("/settings/export/muted_accounts.csv")).text, `Account address,Hide notifications\nbob@${host},false\n`);
    assert.equal((await browser.request("/settings/export/blocked_domains.csv")).text, "spam.example\n");
    assert.equal((await browser.request("/settings/export/lists.csv")).text, '"Knitters, mostly",rita@remote.example\n');
    assert.equal((await browser.request("/settings/export/followers.csv")).status, 404);
  });

  test("the archive unzips to outbox.json with the user's posts only, actor.json, likes, bookmarks and media files", async () => {
    const fay = await createLocalAccount(server.ctx, { username: "fay", password: "fay's long password" });
    const fayApp = await appToken(server, fay, "Fay's app");
    const aliceApp = await appToken(server, alice, "Alice's app");
    const first = await post(server, fayApp.token, "Fay's first public post");
    await post(server, fayApp.token, "Fay's second public post");
    const others = await post(server, aliceApp.token, "Alice talking, not Fay");
    for (const kind of ["favourite", "bookmark"]) {
      const res = await fetch(`${server.url}/api/v1/statuses/${others.id}/${kind}`, { method: "POST", headers: { authorization: `Bearer ${fayApp.token}` } });
      assert.equal(res.status, 200);
    }
    const [statusRow] = await server.ctx.db.selectFrom("statuses").selectAll().where("id", "=", first.id).execute();
    const picture = `attachments/${first.id.slice(0, 8)}/${first.id}-pic/original.png`;
    await writeMediaFile(server.ctx.config, picture, Buffer.from("not really a png"));
    await makeMedia(server.ctx.db, statusRow, { file_path: picture, preview_path: null });

    const browser = new Browser(server.url);
    await browser.signIn("fay", "fay's long password", "/settings/export");
    const res = await browser.request("/settings/export/archive.zip");
    assert.equal(res.status, 200);
    assert.equal(res.type, "application/zip");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-archive-"));
    try {
      const file = path.join(dir, "archive.zip");
      fs.writeFileSync(file, res.bytes);
      execFileSync("unzip", ["-q", "-t", file]);
      execFileSync("unzip", ["-q", file, "-d", path.join(dir, "out")]);
      const read = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, "out", name), "utf8"));
      const outbox = read("outbox.json");
      assert.equal(outbox.type, "OrderedCollection");
      assert.equal(outbox.totalItems, 2);
      const text = JSON.stringify(outbox.orderedItems);
      assert.match(text, /first public post/);
      assert.match(text, /second public post/);
      assert.doesNotMatch(text, /Alice talking/);
      for (const item of outbox.orderedItems) {
        assert.equal(item.type, "Create");
        assert.equal(item.actor, fay.uri);
      }
      assert.equal(outbox.orderedItems[0].object.id, first.uri);
      assert.equal(outbox.orderedItems[0].object.attachment.url, `/media_attachments/files/${picture}`, "the post points at its file in the archive");
      const actor = read("actor.json");
      assert.equal(actor.id, fay.uri);
      assert.equal(actor.preferredUsername, "fay");
      assert.deepEqual(read("likes.json").orderedItems, [others.uri]);
      assert.deepEqual(read("bookmarks.json").orderedItems, [others.uri]);
      assert.equal(fs.readFileSync(path.join(dir, "out", "media_attachments", "files", picture), "utf8"), "not really a png");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("deleting the account needs the password, then the profile is gone, its token is refused and the browser signed out", async () => {
    const gus = await createLocalAccount(server.ctx, { username: "gus", password: "gus's long password" });
    const { token } = await appToken(server, gus, "Gus's app");
    await post(server, token, "Gus was here");
    const browser = new Browser(server.url);
    await browser.signIn("gus", "gus's long password", "/settings/delete");
    const wrong = await browser.submit("/settings/delete", "/settings/delete", { password: "not it" });
    assert.equal(wrong.status, 401);
    assert.match(wrong.text, /was not deleted/);
    assert.equal(await apiStatus(server, token), 200);

    const done = await browser.submit("/settings/delete", "/settings/delete", { password: "gus's long password" });
    assert.equal(done.status, 200);
    assert.match(done.text, /has been deleted/);
    assert.equal(await apiStatus(server, token), 401);
    const profile = await fetch(`${server.url}/api/v1/accounts/${gus.id}`);
    assert.ok([404, 410].includes(profile.status), `profile answered ${profile.status}`);
    const lookup = await fetch(`${server.url}/api/v1/accounts/lookup?acct=gus`);
    assert.ok([404, 410].includes(lookup.status), `lookup answered ${lookup.status}`);
    const page = await fetch(`${server.url}/@gus`, { headers: { accept: "text/html" } });
    assert.ok([404, 410].includes(page.status), `profile page answered ${page.status}`);
    assert.equal((await browser.request("/settings/delete")).status, 303, "the browser is signed out");
    const job = await server.ctx.db.selectFrom("jobs").select("payload").execute();
    assert.ok(job.some((j) => j.payload.includes("DeleteActor") && j.payload.includes(gus.uri)), "remote servers are told through the queue");
  });
});
