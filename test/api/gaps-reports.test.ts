import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testDialect } from "../helpers/db.ts";
import { makeAccount } from "../helpers/factories.ts";
import { assertMatchesEntity } from "../helpers/openapi.ts";
import { setSetting } from "./misc-support.ts";
import { caller, makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

describe(`reports (${testDialect()})`, () => {
  let server: ApiServer;
  let admin: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  before(async () => {
    server = await startApiServer();
    admin = await makeUser(server, "admin");
    await server.ctx.db.updateTable("users").set({ admin: 1 }).where("account_id", "=", admin.account.id).execute();
    bob = await makeUser(server, "bob");
    carol = await makeUser(server, "carol");
    await setSetting(server, "rules", ["Be kind", "No spam"]);
  });
  after(async () => server?.close());

  const post = async (u: TestUser, status: string, visibility = "public") =>
    (await (await u.call("POST", "/api/v1/statuses", { status, visibility })).json()).id as string;

  it("files a report about an account and its posts, and tells the admins with admin.report", async (t) => {
    const spam = await post(carol, "buy my stuff");
    const res = await bob.call("POST", "/api/v1/reports", { account_id: carol.account.id, status_ids: [spam], comment: "spam", forward: true });
    assert.equal(res.status, 200);
    const report = await res.json();
    assertMatchesEntity(report, "Report", t);
    assert.equal(report.category, "other");
    assert.equal(report.comment, "spam");
    assert.deepEqual(report.status_ids, [spam]);
    assert.equal(report.rule_ids, null);
    assert.equal(report.forwarded, false, "a local account's report is not forwarded anywhere");
    assert.equal(report.action_taken, false);
    assert.equal(report.target_account.id, carol.account.id);

    const [n] = (await (await admin.call("GET", "/api/v1/notifications")).json()) as Array<Record<string, any>>;
    assertMatchesEntity(n, "Notification", t);
    assert.equal(n.type, "admin.report");
    assert.equal(n.account.id, bob.account.id);
    assert.equal(n.report.id, report.id);
    assert.equal(n.report.target_account.id, carol.account.id);

    const grouped = await (await admin.call("GET", "/api/v2/notifications")).json();
    assertMatchesEntity(grouped, "GroupedNotificationsResults", t);
    assert.equal(grouped.notification_groups[0].type, "admin.report");
    assert.equal(grouped.notification_groups[0].report.id, report.id);

    assert.deepEqual(await (await carol.call("GET", "/api/v1/notifications")).json(), [], "the reported account hears nothing");
  });

  it("cites the server's rules as a violation, whatever category was sent", async (t) => {
    const res = await bob.call("POST", "/api/v1/reports", { account_id: carol.account.id, category: "spam", rule_ids: ["2"] });
    assert.equal(res.status, 200);
    const report = await res.json();
    assertMatchesEntity(report, "Report", t);
    assert.equal(report.category, "violation");
    assert.deepEqual(report.rule_ids, ["2"]);
    const form = new URLSearchParams([["account_id", carol.account.id], ["category", "legal"], ["comment", "form-encoded"]]);
    const legal = await fetch(new URL("/api/v1/reports", server.url), {
      method: "POST",
      headers: { authorization: `Bearer ${bob.token}`, "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
    assert.equal((await legal.json()).category, "legal");
  });

  it("refuses unknown accounts, posts that are not the target's or not visible, unknown rules and categories, and long comments", async () => {
    const bobs = await post(bob, "my own post");
    const secret = await post(carol, "@admin only for you", "direct");
    const cases: Array<[object, number]> = [
      [{ account_id: "123456789012345678" }, 404],
      [{ account_id: carol.account.id, status_ids: [bobs] }, 404],
      [{ account_id: carol.account.id, status_ids: [secret] }, 404],
      [{ account_id: carol.account.id, rule_ids: ["9"] }, 422],
      [{ account_id: carol.account.id, category: "rude" }, 422],
      [{ account_id: carol.account.id, comment: "x".repeat(1001) }, 422],
    ];
    for (const [body, status] of cases) assert.equal((await bob.call("POST", "/api/v1/reports", body)).status, status, JSON.stringify(body).slice(0, 80));
    assert.equal((await admin.call("POST", "/api/v1/reports", { account_id: carol.account.id, status_ids: [secret] })).status, 200, "the admin was mentioned, so may report it");
  });

  it("marks a report about a remote account as forwarded when asked, and queues its Flag", async () => {
    const remote = await makeAccount(server.ctx.db, { username: "spammer", domain: "remote.example" });
    const res = await bob.call("POST", "/api/v1/reports", { account_id: remote.id, comment: "from afar", forward: "true" });
    assert.equal(res.status, 200);
    const report = await res.json();
    assert.equal(report.forwarded, true);
    const jobs = await server.ctx.db.selectFrom("jobs").select("payload").execute();
    assert.ok(jobs.some((j) => JSON.parse(j.payload).activity?.type === "Flag" && JSON.parse(j.payload).activity.reportId === report.id));
    const kept = await bob.call("POST", "/api/v1/reports", { account_id: remote.id, comment: "just here" });
    assert.equal((await kept.json()).forwarded, false);
  });

  it("needs write:reports and a user", async () => {
    const readOnly = caller(server, await tokenFor(server, bob.account.id, "read"));
    assert.equal((await readOnly("POST", "/api/v1/reports", { account_id: carol.account.id })).status, 403);
    const scoped = caller(server, await tokenFor(server, bob.account.id, "write:reports"));
    assert.equal((await scoped("POST", "/api/v1/reports", { account_id: carol.account.id })).status, 200);
    assert.equal((await caller(server, null)("POST", "/api/v1/reports", { account_id: carol.account.id })).status, 401);
    const appOnly = caller(server, await tokenFor(server, null, "write"));
    assert.equal((await appOnly("POST", "/api/v1/reports", { account_id: carol.account.id })).status, 422);
  });
});
