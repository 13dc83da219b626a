import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createRestAPIClient } from "masto";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntity } from "../helpers/openapi.ts";
import { makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";
import { setSetting } from "./misc-support.ts";

describe(`sign-up through POST /api/v1/accounts (${testDialect()})`, () => {
  let server: ApiServer;
  let admin: TestUser;
  let appToken: string;
  before(async () => {
    server = await startApiServer();
    admin = await makeUser(server, "boss", { scopes: "read write admin:read" });
    await server.ctx.db.updateTable("users").set({ admin: 1 }).where("account_id", "=", admin.account.id).execute();
    // An app's own token (client_credentials), as clients use to register someone.
    appToken = await tokenFor(server, null, "read write follow");
  });
  after(async () => server?.close());

  const register = (body: Record<string, unknown>, token: string | null = appToken) =>
    fetch(`${server.url}/api/v1/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const person = (username: string) => ({
    username,
    email: `${username}@example.test`,
    password: "correct horse battery staple",
    agreement: true,
    locale: "en",
  });

  it("with open registrations: returns a working token and tells the admins", async (t) => {
    await setSetting(server, "registrations_mode", "open");
    const masto = createRestAPIClient({ url: server.url, accessToken: appToken });
    const token = await masto.v1.accounts.create(person("newbie"));
    assert.equal(token.tokenType, "Bearer");
    assert.equal(token.scope, "read write follow", "the app's scopes");
    const raw = await register(person("newbie2"));
    assertMatchesEntity(await raw.json(), "Token", t);

    const me = await createRestAPIClient({ url: server.url, accessToken: token.accessToken }).v1.accounts.verifyCredentials();
    assert.equal(me.username, "newbie");
    const notes = await admin.masto.v1.notifications.list({ types: ["admin.sign_up"] });
    assert.ok(notes.some((n) => n.type === "admin.sign_up" && n.account.username === "newbie"));
  });

  it("with approval required: the token waits (403) until an admin approves", async () => {
    await setSetting(server, "registrations_mode", "approval");
    const res = await register({ ...person("waiting"), reason: "I like threads" });
    assert.equal(res.status, 200);
    const { access_token } = await res.json();
    const me = await fetch(`${server.url}/api/v1/accounts/verify_credentials`, { headers: { authorization: `Bearer ${access_token}` } });
    assert.equal(me.status, 403);
    assert.deepEqual(await me.json(), { error: "Your login is currently pending approval" });
    const user = await server.ctx.db
      .selectFrom("users")
      .innerJoin("accounts", "accounts.id", "users.account_id")
      .select(["users.approved", "users.account_id"])
      .where("accounts.username", "=", "waiting")
      .executeTakeFirstOrThrow();
    assert.equal(user.approved, 0);
    const notes = await admin.masto.v1.notifications.list({ types: ["admin.sign_up"] });
    assert.ok(notes.some((n) => n.account.id === user.account_id));
  });

  it("with registrations closed: 403, and nobody is created", async () => {
    await setSetting(server, "registrations_mode", "closed");
    const res = await register(person("shut"));
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), { error: "This action is not allowed" });
    const row = await server.ctx.db.selectFrom("accounts").select("id").where("username", "=", "shut").executeTakeFirst();
    assert.equal(row, undefined);
  });

  it("explains what is wrong field by field (422 with details)", async (t) => {
    await setSetting(server, "registrations_mode", "open");
    const res = await register({ username: "boss", email: "not-an-email", password: "short", agreement: false, locale: "en" });
    assert.equal(res.status, 422);
    const json = await res.json();
    assertMatchesEntity(json, "ValidationError", t);
    assert.match(json.error, /^Validation failed: /);
    assert.deepEqual(json.details.username, [{ error: "ERR_TAKEN", description: "has already been taken" }]);
    assert.equal(json.details.email[0].error, "ERR_INVALID");
    assert.equal(json.details.password[0].error, "ERR_TOO_SHORT");
    assert.equal(json.details.agreement[0].error, "ERR_ACCEPTED");
    const reserved = await (await register(person("admin"))).json();
    assert.equal(reserved.details.username[0].error, "ERR_RESERVED");
    const sameEmail = await (await register({ ...person("other"), email: "NEWBIE@example.test" })).json();
    assert.equal(sameEmail.details.email[0].error, "ERR_TAKEN");
  });

  it("asks for a date of birth when the instance has a minimum age", async () => {
    await setSetting(server, "min_age", 16);
    const missing = await (await register(person("kid"))).json();
    assert.equal(missing.details.date_of_birth[0].error, "ERR_BLANK");
    const young = new Date(Date.now() - 10 * 365 * 86_400_000).toISOString().slice(0, 10);
    const tooYoung = await (await register({ ...person("kid"), date_of_birth: young })).json();
    assert.equal(tooYoung.details.date_of_birth[0].error, "ERR_BELOW_LIMIT");
    assert.equal((await register({ ...person("grownup"), date_of_birth: "1990-05-04" })).status, 200);
    await server.ctx.db.deleteFrom("instance_settings").where("key", "=", "min_age").execute();
  });

  it("the instance entities announce the sign-up rules: approval, reason, minimum age, closed message", async (t) => {
    const instance = async () => ({
      v1: await (await fetch(`${server.url}/api/v1/instance`)).json(),
      v2: await (await fetch(`${server.url}/api/v2/instance`)).json(),
    });
    await setSetting(server, "registrations_mode", "approval");
    await setSetting(server, "require_invite_text", true);
    await setSetting(server, "min_age", 16);
    await setSetting(server, "closed_registrations_message", "Closed for now.\nAsk at https://example.com/invite");
    let { v1, v2 } = await instance();
    assertMatchesEntity(v2, "Instance", t);
    assert.deepEqual(v2.registrations, { enabled: true, approval_required: true, reason_required: true, message: null, min_age: 16, url: null });
    assert.equal(v1.registrations, true);
    assert.equal(v1.approval_required, true);

    await setSetting(server, "registrations_mode", "none");
    ({ v1, v2 } = await instance());
    assert.equal(v2.registrations.enabled, false, "Mastodon's 'none' is closed");
    assert.equal(v2.registrations.reason_required, false, "a reason is asked only when approval is");
    assert.match(v2.registrations.message, /^<p>Closed for now\.<br \/>Ask at <a href="https:\/\/example\.com\/invite"/);
    assert.equal(v1.registrations, false);

    for (const key of ["require_invite_text", "min_age", "closed_registrations_message"]) {
      await server.ctx.db.deleteFrom("instance_settings").where("key", "=", key).execute();
    }
    await setSetting(server, "registrations_mode", "open");
    ({ v2 } = await instance());
    assert.deepEqual(v2.registrations, { enabled: true, approval_required: false, reason_required: false, message: null, min_age: null, url: null });
  });

  it("needs an app token (401) with write:accounts (403)", async () => {
    assert.equal((await register(person("anon"), null)).status, 401);
    const readOnly = await tokenFor(server, null, "read");
    assert.equal((await register(person("anon"), readOnly)).status, 403);
  });
});
