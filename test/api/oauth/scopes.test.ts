import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { authenticate, currentAccount, optionalScope, requireScope, requireUser } from "../../../src/api/auth.ts";
import { scopeCovers } from "../../../src/api/oauth/scopes.ts";
import { createAccessToken } from "../../../src/domain/tokens.ts";
import { createUser, startTestServer, type TestServer } from "./helpers.ts";

let server: TestServer;
let guarded: Hono;
let accountId: string;

before(async () => {
  server = await startTestServer();
  accountId = (await createUser(server, { username: "carol", password: "carol-password" })).id;
  guarded = new Hono();
  guarded.use("*", authenticate(server.app));
  guarded.get("/statuses", requireScope("read:statuses"), (c) => c.text("ok"));
  guarded.post("/follow", requireScope("write:follows"), requireUser, (c) => c.text(currentAccount(c).username));
  guarded.get("/blocks", requireScope("read:blocks"), (c) => c.text("ok"));
  guarded.get("/admin", requireScope("admin:read:accounts"), (c) => c.text("ok"));
  guarded.get("/public", optionalScope("read:statuses"), (c) => c.text("ok"));
  guarded.get("/open", (c) => c.text("ok"));
});
after(() => server.close());

async function call(method: string, path: string, scopes: string | null, withAccount = true) {
  let headers: Record<string, string> = {};
  if (scopes !== null) {
    const { token } = await createAccessToken(server.app.ctx, { accountId: withAccount ? accountId : null, appId: null, scopes });
    headers = { authorization: `Bearer ${token}` };
  }
  const res = await guarded.request(`http://weft.test${path}`, { method, headers });
  return { status: res.status, text: await res.text() };
}

test("broad scopes cover their granular children the way Mastodon's do", () => {
  assert.ok(scopeCovers(["read"], "read:statuses"));
  assert.ok(scopeCovers(["write"], "write:media"));
  assert.ok(scopeCovers(["follow"], "write:follows"));
  assert.ok(scopeCovers(["follow"], "read:mutes"));
  assert.ok(scopeCovers(["admin:read"], "admin:read:reports"));
  assert.ok(!scopeCovers(["read"], "write:statuses"));
  assert.ok(!scopeCovers(["read"], "admin:read:accounts"));
  assert.ok(!scopeCovers(["follow"], "read:statuses"));
  assert.ok(!scopeCovers(["read:statuses"], "read"));
});

test("requireScope passes a token with the scope or a broader one, 403 otherwise", async () => {
  assert.equal((await call("GET", "/statuses", "read")).status, 200);
  assert.equal((await call("GET", "/statuses", "read:statuses")).status, 200);
  assert.equal((await call("GET", "/statuses", "write push")).status, 403);
  assert.equal((await call("POST", "/follow", "follow")).text, "carol");
  assert.equal((await call("POST", "/follow", "write")).status, 200);
  assert.equal((await call("POST", "/follow", "read")).status, 403);
  assert.equal((await call("GET", "/blocks", "follow")).status, 200);
  assert.equal((await call("GET", "/admin", "read write")).status, 403);
  assert.equal((await call("GET", "/admin", "admin:read")).status, 200);
});

test("missing or unknown tokens get 401; app-only tokens get 422 where a user is needed", async () => {
  const none = await call("GET", "/statuses", null);
  assert.equal(none.status, 401);
  assert.deepEqual(JSON.parse(none.text), { error: "The access token is invalid" });
  const bad = await guarded.request("http://weft.test/statuses", { headers: { authorization: "Bearer nope" } });
  assert.equal(bad.status, 401);
  const appOnly = await call("POST", "/follow", "write", false);
  assert.equal(appOnly.status, 422);
  assert.deepEqual(JSON.parse(appOnly.text), { error: "This method requires an authenticated user" });
});

test("public endpoints ignore a missing token but reject a bad one where they read it", async () => {
  assert.equal((await call("GET", "/public", null)).status, 200);
  assert.equal((await guarded.request("http://weft.test/public", { headers: { authorization: "Bearer nope" } })).status, 401);
  assert.equal((await guarded.request("http://weft.test/open", { headers: { authorization: "Bearer nope" } })).status, 200);
});
