import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createLocalAccount } from "../../src/domain/accounts.ts";
import { testDialect } from "../helpers/db.ts";
import { startApiServer, type ApiServer } from "../helpers/server.ts";

/*
 * The admin page at /admin: server-rendered, on the sign-in session of the OAuth pages, for
 * admins only, every form carrying a CSRF token. What it changes is what the instance API and
 * new sign-ups see.
 */

class Browser {
  readonly cookies = new Map<string, string>();
  readonly base: string;
  constructor(base: string) {
    this.base = base;
  }

  async request(path: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ status: number; text: string; location: string | null }> {
    const headers: Record<string, string> = { accept: "text/html" };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    let body: URLSearchParams | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form);
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const res = await fetch(`${this.base}${path}`, { method: init.method ?? (body ? "POST" : "GET"), headers, body, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const [name, value] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
      if (attrs.some((a) => /max-age=0/i.test(a.trim())) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, text: await res.text(), location: res.headers.get("location") };
  }

  /** The CSRF token in the page's forms. */
  static token(html: string): string {
    const m = /name="authenticity_token" value="([^"]+)"/.exec(html);
    assert.ok(m, "the page has a CSRF token");
    return m[1];
  }

  async signIn(username: string, password: string): Promise<void> {
    const page = await this.request("/admin");
    const res = await this.request("/admin/sign-in", { form: { authenticity_token: Browser.token(page.text), username, password } });
    assert.equal(res.status, 303, res.text);
  }
}

describe(`the admin page (${testDialect()})`, () => {
  let server: ApiServer;

  before(async () => {
    server = await startApiServer();
    await createLocalAccount(server.ctx, { username: "root", password: "correct horse battery", admin: true, email: "root@example.com" });
    await createLocalAccount(server.ctx, { username: "alice", password: "alice's long password" });
  });
  after(() => server?.close());

  test("asks a browser without a session to sign in, and turns away a user who is not an admin", async () => {
    const browser = new Browser(server.url);
    const first = await browser.request("/admin");
    assert.equal(first.status, 200);
    assert.match(first.text, /Sign in to administer/);
    assert.doesNotMatch(first.text, /Server settings/);

    const wrong = await browser.request("/admin/sign-in", { form: { authenticity_token: Browser.token(first.text), username: "root", password: "nope" } });
    assert.equal(wrong.status, 401);

    await browser.signIn("alice", "alice's long password");
    const page = await browser.request("/admin");
    assert.equal(page.status, 403);
    assert.match(page.text, /not an admin/);
    const post = await browser.request("/admin/settings", { form: { authenticity_token: Browser.token(first.text), site_title: "Hijacked" } });
    assert.equal(post.status, 403);
    const title = await server.ctx.db.selectFrom("instance_settings").select("value").where("key", "=", "site_title").executeTakeFirst();
    assert.equal(title, undefined);
  });

  test("an admin renames the server, describes it, sets rules, approval sign-ups and sharing off; the API and new accounts follow", async () => {
    const browser = new Browser(server.url);
    await browser.signIn("root", "correct horse battery");
    const page = await browser.request("/admin");
    assert.equal(page.status, 200);
    assert.match(page.text, /Server settings/);
    const saved = await browser.request("/admin/settings", {
      form: {
        authenticity_token: Browser.token(page.text),
        site_title: "Loom Club",
        site_short_description: "Weavers and knitters.",
        site_description: "A small server for people who make cloth.",
        rules: "Be kind\r\n\r\nNo spam\n",
        registrations_mode: "approval",
        default_federating: "off",
      },
    });
    assert.equal(saved.status, 303);
    assert.equal(saved.location, "/admin?done=saved");
    assert.match((await browser.request("/admin?done=saved")).text, /Settings saved/);

    const instance = await (await fetch(`${server.url}/api/v2/instance`)).json();
    assert.equal(instance.title, "Loom Club");
    assert.equal(instance.description, "Weavers and knitters.");
    assert.deepEqual(instance.rules.map((r: { text: string }) => r.text), ["Be kind", "No spam"]);
    assert.equal(instance.registrations.enabled, true);
    assert.equal(instance.registrations.approval_required, true);

    const newcomer = await createLocalAccount(server.ctx, { username: "newcomer" });
    assert.equal(newcomer.federating, 0, "new accounts start with fediverse sharing off");
  });

  test("refuses a settings form without a valid CSRF token", async () => {
    const browser = new Browser(server.url);
    await browser.signIn("root", "correct horse battery");
    const res = await browser.request("/admin/settings", { form: { authenticity_token: "forged", site_title: "Forged" } });
    assert.equal(res.status, 403);
    const instance = await (await fetch(`${server.url}/api/v2/instance`)).json();
    assert.notEqual(instance.title, "Forged");
  });

  test("lists the local accounts and approves one that waits for approval", async () => {
    const waiting = await createLocalAccount(server.ctx, { username: "waiting", approved: false });
    const browser = new Browser(server.url);
    await browser.signIn("root", "correct horse battery");
    const page = await browser.request("/admin");
    for (const name of ["@root", "@alice", "@waiting"]) assert.match(page.text, new RegExp(name));
    assert.match(page.text, /Approve @waiting/);
    const res = await browser.request(`/admin/accounts/${waiting.id}/approve`, { form: { authenticity_token: Browser.token(page.text) } });
    assert.equal(res.status, 303);
    const user = await server.ctx.db.selectFrom("users").select("approved").where("account_id", "=", waiting.id).executeTakeFirstOrThrow();
    assert.equal(user.approved, 1);
    assert.doesNotMatch((await browser.request("/admin")).text, /Approve @waiting/);
  });

  test("signing out ends the session", async () => {
    const browser = new Browser(server.url);
    await browser.signIn("root", "correct horse battery");
    const page = await browser.request("/admin");
    await browser.request("/admin/sign-out", { form: { authenticity_token: Browser.token(page.text) } });
    assert.match((await browser.request("/admin")).text, /Sign in to administer/);
  });
});
