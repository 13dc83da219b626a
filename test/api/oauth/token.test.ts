import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { assertMatchesEntity } from "../../helpers/openapi.ts";
import { testDialect } from "../../helpers/db.ts";
import { createUser, postForm, registerApp, startTestServer, type RegisteredApp, type TestServer } from "./helpers.ts";

const dialect = testDialect();
let server: TestServer;
let client: RegisteredApp;
const bob = { username: "bob", password: "hunter2hunter2" };

before(async () => {
  server = await startTestServer();
  await createUser(server, { ...bob, email: "bob@example.test" });
  await createUser(server, { username: "pending", password: "pending-password", approved: false });
  client = await registerApp(server, { scopes: "read write follow push" });
});
after(() => server.close());

async function token(fields: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await postForm(`${server.url}/oauth/token`, { client_id: client.client_id, client_secret: client.client_secret, ...fields }, headers);
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, string> };
}

async function get(path: string, bearer?: string) {
  const res = await fetch(`${server.url}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

test(`registering an app answers Mastodon's CredentialApplication (${dialect})`, async (t) => {
  const res = await fetch(`${server.url}/api/v1/apps`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "client_name=Form+App&redirect_uris=https%3A%2F%2Fa.example%2Fcb%0Amyapp%3A%2F%2Fcb&scopes=read+write&website=https%3A%2F%2Fa.example",
  });
  assert.equal(res.status, 200);
  const created = (await res.json()) as Record<string, unknown>;
  assertMatchesEntity(created, "CredentialApplication", t);
  assert.equal(created.name, "Form App");
  assert.deepEqual(created.redirect_uris, ["https://a.example/cb", "myapp://cb"]);
  assert.equal(created.redirect_uri, "https://a.example/cb\nmyapp://cb");
  assert.deepEqual(created.scopes, ["read", "write"]);
  assert.equal(created.website, "https://a.example");

  const arrays = await fetch(`${server.url}/api/v1/apps`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "client_name=Arr&redirect_uris[]=myapp%3A%2F%2Fa&redirect_uris[]=myapp%3A%2F%2Fb&scopes[]=read&scopes[]=push",
  });
  const arr = (await arrays.json()) as Record<string, unknown>;
  assert.deepEqual(arr.redirect_uris, ["myapp://a", "myapp://b"]);
  assert.deepEqual(arr.scopes, ["read", "push"]);
  assert.equal(arr.website, null);

  const defaults = await registerApp(server, { scopes: undefined });
  assert.deepEqual(defaults.scopes, ["read"], "scopes default to read");
});

test("app registration rejects what Mastodon rejects, with 422", async () => {
  for (const body of [
    { redirect_uris: "myapp://cb" },
    { client_name: "x" },
    { client_name: "x", redirect_uris: "javascript:alert(1)" },
    { client_name: "x", redirect_uris: "not a uri" },
    { client_name: "x", redirect_uris: "myapp://cb", scopes: "read everything" },
  ]) {
    const res = await fetch(`${server.url}/api/v1/apps`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    });
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.match(((await res.json()) as { error: string }).error, /^Validation failed: /);
  }
  const malformed = await fetch(`${server.url}/api/v1/apps`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
  assert.equal(malformed.status, 400);
});

test("client_credentials gives an app-only token that can verify the app but not act as a user", async (t) => {
  const { status, body, headers } = await token({ grant_type: "client_credentials", scope: "read" });
  assert.equal(status, 200);
  assert.equal(headers.get("cache-control"), "no-store");
  assertMatchesEntity(body, "Token", t);
  const verified = await get("/api/v1/apps/verify_credentials", body.access_token);
  assert.equal(verified.status, 200);
  assertMatchesEntity(verified.body, "Application", t);
  assert.equal(verified.body.name, "Test client");
  assert.equal("client_secret" in verified.body, false);

  const me = await get("/oauth/userinfo", body.access_token);
  assert.equal(me.status, 422);
  assert.equal(me.body.error, "This method requires an authenticated user");

  const tooMuch = await token({ grant_type: "client_credentials", scope: "admin:read" });
  assert.deepEqual([tooMuch.status, tooMuch.body.error], [400, "invalid_scope"]);
});

test("client credentials may also come as HTTP Basic", async () => {
  const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64");
  const res = await postForm(`${server.url}/oauth/token`, { grant_type: "client_credentials" }, { authorization: `Basic ${basic}` });
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { scope: string }).scope, "read");
});

test("the password grant signs in by username or e-mail and refuses bad credentials", async () => {
  const byName = await token({ grant_type: "password", username: "bob", password: bob.password, scope: "read write" });
  assert.equal(byName.status, 200);
  assert.equal(byName.body.scope, "read write");
  const byEmail = await token({ grant_type: "password", username: "bob@example.test", password: bob.password });
  assert.equal(byEmail.status, 200);
  assert.equal(byEmail.body.scope, "read");

  const wrong = await token({ grant_type: "password", username: "bob", password: "nope" });
  assert.deepEqual([wrong.status, wrong.body.error], [400, "invalid_grant"]);
  assert.ok(wrong.body.error_description);
  const nobody = await token({ grant_type: "password", username: "nobody", password: "nope" });
  assert.deepEqual([nobody.status, nobody.body.error], [400, "invalid_grant"]);
  const pending = await token({ grant_type: "password", username: "pending", password: "pending-password" });
  assert.deepEqual([pending.status, pending.body.error], [400, "invalid_grant"]);

  const badClient = await token({ grant_type: "password", username: "bob", password: bob.password, client_secret: "wrong" });
  assert.deepEqual([badClient.status, badClient.body.error], [401, "invalid_client"]);
  const unsupported = await token({ grant_type: "refresh_token", refresh_token: "x" });
  assert.deepEqual([unsupported.status, unsupported.body.error], [400, "unsupported_grant_type"]);
});

test("the token endpoint takes JSON bodies as well as forms", async () => {
  const res = await fetch(`${server.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "password", client_id: client.client_id, client_secret: client.client_secret, username: "bob", password: bob.password }),
  });
  assert.equal(res.status, 200);
});

test("a revoked token is refused with 401, and only its own app may revoke it", async () => {
  const { body } = await token({ grant_type: "password", username: "bob", password: bob.password });
  assert.equal((await get("/oauth/userinfo", body.access_token)).status, 200);

  const other = await registerApp(server);
  const foreign = await postForm(`${server.url}/oauth/revoke`, { client_id: other.client_id, client_secret: other.client_secret, token: body.access_token });
  assert.equal(foreign.status, 403);
  assert.equal((await get("/oauth/userinfo", body.access_token)).status, 200, "still valid");

  const revoke = await postForm(`${server.url}/oauth/revoke`, { client_id: client.client_id, client_secret: client.client_secret, token: body.access_token });
  assert.equal(revoke.status, 200);
  assert.deepEqual(await revoke.json(), {});
  const after = await get("/oauth/userinfo", body.access_token);
  assert.equal(after.status, 401);
  assert.equal(after.body.error, "The access token is invalid");

  const unknown = await postForm(`${server.url}/oauth/revoke`, { client_id: client.client_id, client_secret: client.client_secret, token: "never-issued" });
  assert.equal(unknown.status, 200, "revoking an unknown token is not an error (RFC 7009)");
});

test("guards answer 401 without a valid token and 403 when the scope is missing", async () => {
  const none = await get("/oauth/userinfo");
  assert.equal(none.status, 401);
  assert.equal(none.body.error, "The access token is invalid");
  assert.match(none.headers.get("www-authenticate") ?? "", /invalid_token/);
  assert.equal((await get("/oauth/userinfo", "garbage")).status, 401);

  const pushOnly = await token({ grant_type: "password", username: "bob", password: bob.password, scope: "push" });
  const denied = await get("/oauth/userinfo", pushOnly.body.access_token);
  assert.equal(denied.status, 403);
  assert.equal(denied.body.error, "This action is outside the authorized scopes");

  const viaQuery = await token({ grant_type: "password", username: "bob", password: bob.password, scope: "read" });
  assert.equal((await get(`/oauth/userinfo?access_token=${viaQuery.body.access_token}`)).status, 200, "access_token query parameter");
});

test("a token records when it was last used, at most once a minute", async () => {
  const { body } = await token({ grant_type: "password", username: "bob", password: bob.password });
  const lastUsed = async () =>
    (await server.db.db.selectFrom("oauth_tokens").select("last_used_at").orderBy("id", "desc").executeTakeFirstOrThrow()).last_used_at;
  assert.equal(await lastUsed(), null);
  await get("/oauth/userinfo", body.access_token);
  const first = await lastUsed();
  assert.ok(first);
  await get("/oauth/userinfo", body.access_token);
  assert.equal(await lastUsed(), first);
});

test("CORS: preflights are answered and API responses expose the paging headers", async () => {
  const preflight = await fetch(`${server.url}/api/v1/apps`, {
    method: "OPTIONS",
    headers: { origin: "https://elk.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
  assert.match(preflight.headers.get("access-control-allow-headers")!, /Authorization/);
  assert.match(preflight.headers.get("access-control-allow-headers")!, /Idempotency-Key/);
  assert.match(preflight.headers.get("access-control-allow-methods")!, /POST/);

  const res = await postForm(`${server.url}/oauth/token`, { grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret }, { origin: "https://elk.example" });
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.match(res.headers.get("access-control-expose-headers")!, /Link/);
  assert.match(res.headers.get("access-control-expose-headers")!, /X-RateLimit-Remaining/);

  const page = await fetch(`${server.url}/oauth/authorize`, { headers: { origin: "https://elk.example" } });
  assert.equal(page.headers.get("access-control-allow-origin"), null, "the sign-in page is not for other origins");
});

test("an oversized body is refused with 413 and the server keeps answering", async () => {
  const res = await fetch(`${server.url}/api/v1/apps`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: "x".repeat(2 * 1024 * 1024), redirect_uris: "myapp://cb" }),
  });
  assert.equal(res.status, 413);
  assert.equal(typeof ((await res.json()) as { error: unknown }).error, "string");
  assert.equal((await registerApp(server)).client_id.length > 0, true);
});
