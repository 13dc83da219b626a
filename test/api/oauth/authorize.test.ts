import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { testDialect } from "../../helpers/db.ts";
import {
  Browser,
  createUser,
  hiddenFields,
  pkcePair,
  postForm,
  registerApp,
  signInAndAuthorize,
  startTestServer,
  type RegisteredApp,
  type TestServer,
} from "./helpers.ts";

const dialect = testDialect();
let server: TestServer;
let client: RegisteredApp;
const alice = { username: "alice", password: "correct horse battery staple" };

before(async () => {
  server = await startTestServer();
  await createUser(server, { ...alice, email: "alice@example.test" });
  client = await registerApp(server, { redirect_uris: ["myapp://callback", "https://app.example/cb"] });
});
after(() => server.close());

function authorizeQuery(extra: Record<string, string> = {}): Record<string, string> {
  return { response_type: "code", client_id: client.client_id, redirect_uri: "myapp://callback", scope: "read write", ...extra };
}

async function exchange(fields: Record<string, string>) {
  const res = await postForm(`${server.url}/oauth/token`, {
    grant_type: "authorization_code",
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uri: "myapp://callback",
    ...fields,
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

async function codeFor(extra: Record<string, string> = {}): Promise<string> {
  const res = await signInAndAuthorize(server, new Browser(), authorizeQuery(extra), alice);
  assert.equal(res.status, 302);
  const code = new URL(res.headers.get("location")!).searchParams.get("code");
  assert.ok(code);
  return code;
}

test(`a user signs in on the authorize page and the app exchanges the code with PKCE (${dialect})`, async () => {
  const { verifier, challenge } = pkcePair();
  const browser = new Browser();
  const page = await browser.request(`${server.url}/oauth/authorize?${new URLSearchParams(authorizeQuery({
    state: "s t&ate", code_challenge: challenge, code_challenge_method: "S256",
  }))}`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type")!, /text\/html/);
  assert.equal(page.headers.get("x-frame-options"), "DENY");
  const htmlText = await page.text();
  assert.match(htmlText, /Test client/);
  assert.match(htmlText, /<label for="username">/);
  assert.match(htmlText, /<label for="password">/);
  assert.doesNotMatch(htmlText, /<script|<link /, "no scripts or external assets");

  const res = await browser.submit(`${server.url}/oauth/authorize`, { ...hiddenFields(htmlText), ...alice, decision: "approve" });
  assert.equal(res.status, 302);
  const location = new URL(res.headers.get("location")!);
  assert.equal(`${location.protocol}//${location.host}${location.pathname}`, "myapp://callback");
  assert.equal(location.searchParams.get("state"), "s t&ate");
  const code = location.searchParams.get("code")!;

  const session = res.headers.getSetCookie().find((c) => c.startsWith("weft_session="));
  assert.ok(session, "signing in starts a session");
  assert.match(session, /HttpOnly/i);
  assert.match(session, /SameSite=Lax/i);

  const { status, body } = await exchange({ code, code_verifier: verifier });
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.token_type, "Bearer");
  assert.equal(body.scope, "read write");
  assert.equal(typeof body.created_at, "number");

  const me = await fetch(`${server.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${body.access_token}` } });
  assert.equal(me.status, 200);
  assert.equal(((await me.json()) as { preferred_username: string }).preferred_username, "alice");

  const again = await exchange({ code, code_verifier: verifier });
  assert.equal(again.status, 400, "a code works once");
  assert.equal(again.body.error, "invalid_grant");
});

test("a code is refused with the wrong verifier, no verifier, the wrong redirect URI or another client", async () => {
  const { verifier, challenge } = pkcePair();
  const pkce = { code_challenge: challenge, code_challenge_method: "S256" };

  const wrongVerifier = await exchange({ code: await codeFor(pkce), code_verifier: pkcePair().verifier });
  assert.deepEqual([wrongVerifier.status, wrongVerifier.body.error], [400, "invalid_grant"]);
  assert.ok(wrongVerifier.body.error_description);

  const noVerifier = await exchange({ code: await codeFor(pkce) });
  assert.deepEqual([noVerifier.status, noVerifier.body.error], [400, "invalid_grant"]);

  const wrongRedirect = await exchange({ code: await codeFor(pkce), code_verifier: verifier, redirect_uri: "https://app.example/cb" });
  assert.deepEqual([wrongRedirect.status, wrongRedirect.body.error], [400, "invalid_grant"]);

  const other = await registerApp(server);
  const otherClient = await exchange({
    code: await codeFor(pkce), code_verifier: verifier, client_id: other.client_id, client_secret: other.client_secret,
  });
  assert.deepEqual([otherClient.status, otherClient.body.error], [400, "invalid_grant"]);

  const badSecret = await exchange({ code: await codeFor(), client_secret: "nope" });
  assert.deepEqual([badSecret.status, badSecret.body.error], [401, "invalid_client"]);

  // A code refused for a bad verifier was not burnt: the right verifier still works.
  const code = await codeFor(pkce);
  assert.equal((await exchange({ code, code_verifier: "x".repeat(43) })).status, 400);
  assert.equal((await exchange({ code, code_verifier: verifier })).status, 200);
});

test("a PKCE code can be exchanged by a client that sends no secret", async () => {
  const { verifier, challenge } = pkcePair();
  const code = await codeFor({ code_challenge: challenge, code_challenge_method: "S256" });
  const res = await exchange({ code, code_verifier: verifier, client_secret: "" });
  assert.equal(res.status, 200);

  const plain = await exchange({ code: await codeFor(), client_secret: "" });
  assert.deepEqual([plain.status, plain.body.error], [401, "invalid_client"], "without PKCE the secret is required");
});

test("a returning browser only consents, and force_login asks for the password again", async () => {
  const browser = new Browser();
  const first = await signInAndAuthorize(server, browser, authorizeQuery(), alice);
  assert.equal(first.status, 302);

  const page = await browser.request(`${server.url}/oauth/authorize?${new URLSearchParams(authorizeQuery({ state: "2" }))}`);
  const text = await page.text();
  assert.doesNotMatch(text, /type="password"/, "no password asked");
  assert.match(text, /Signed in as <strong>@alice<\/strong>/);
  const res = await browser.submit(`${server.url}/oauth/authorize`, { ...hiddenFields(text), decision: "approve" });
  assert.equal(res.status, 302);
  assert.equal(new URL(res.headers.get("location")!).searchParams.get("state"), "2");

  const forced = await browser.request(`${server.url}/oauth/authorize?${new URLSearchParams(authorizeQuery({ force_login: "true" }))}`);
  assert.match(await forced.text(), /type="password"/);
});

test("a forged session cookie is not a session", async () => {
  const browser = new Browser();
  await signInAndAuthorize(server, browser, authorizeQuery(), alice);
  const real = browser.cookies.get("weft_session")!;
  const [id, issued, mac] = decodeURIComponent(real).split(".");
  browser.cookies.set("weft_session", `${id}.${Number(issued) + 1}.${mac}`);
  const page = await browser.request(`${server.url}/oauth/authorize?${new URLSearchParams(authorizeQuery())}`);
  assert.match(await page.text(), /type="password"/);
});

test("the authorize form refuses a post without its CSRF token", async () => {
  const browser = new Browser();
  const page = await browser.request(`${server.url}/oauth/authorize?${new URLSearchParams(authorizeQuery())}`);
  const fields = hiddenFields(await page.text());
  const res = await browser.submit(`${server.url}/oauth/authorize`, { ...fields, authenticity_token: "forged", ...alice, decision: "approve" });
  assert.equal(res.status, 403);
  assert.equal(res.headers.get("location"), null);

  const noCookie = await postForm(`${server.url}/oauth/authorize`, { ...fields, ...alice, decision: "approve" });
  assert.equal(noCookie.status, 403, "the token alone, without the browser's cookie, is not enough");
});

test("a wrong password shows the form again with an error, and nothing is issued", async () => {
  const res = await signInAndAuthorize(server, new Browser(), authorizeQuery(), { username: "alice", password: "wrong" });
  assert.equal(res.status, 401);
  const text = await res.text();
  assert.match(text, /role="alert"/);
  assert.match(text, /value="alice"/, "the login is kept");
  assert.equal(res.headers.getSetCookie().some((c) => c.startsWith("weft_session=")), false);
});

test("signing in by e-mail address works too", async () => {
  const res = await signInAndAuthorize(server, new Browser(), authorizeQuery(), { username: "Alice@Example.test", password: alice.password });
  assert.equal(res.status, 302);
});

test("denying sends the user back with access_denied and the state", async () => {
  const browser = new Browser();
  const page = await browser.request(`${server.url}/oauth/authorize?${new URLSearchParams(authorizeQuery({ state: "abc" }))}`);
  const res = await browser.submit(`${server.url}/oauth/authorize`, { ...hiddenFields(await page.text()), decision: "deny" });
  assert.equal(res.status, 302);
  const location = new URL(res.headers.get("location")!);
  assert.equal(location.searchParams.get("error"), "access_denied");
  assert.equal(location.searchParams.get("state"), "abc");
  assert.equal(location.searchParams.get("code"), null);
});

test("an unregistered redirect URI or unknown client gets an error page, never a redirect", async () => {
  const evil = await fetch(`${server.url}/oauth/authorize?${new URLSearchParams(authorizeQuery({ redirect_uri: "https://evil.example/" }))}`, { redirect: "manual" });
  assert.equal(evil.status, 400);
  assert.equal(evil.headers.get("location"), null);
  assert.match(evil.headers.get("content-type")!, /text\/html/);

  const unknown = await fetch(`${server.url}/oauth/authorize?${new URLSearchParams(authorizeQuery({ client_id: "nope" }))}`, { redirect: "manual" });
  assert.equal(unknown.status, 400);
});

test("a scope beyond the app's registration is sent back as invalid_scope", async () => {
  const res = await fetch(`${server.url}/oauth/authorize?${new URLSearchParams(authorizeQuery({ scope: "read admin:write", state: "q" }))}`, { redirect: "manual" });
  assert.equal(res.status, 302);
  const location = new URL(res.headers.get("location")!);
  assert.equal(location.searchParams.get("error"), "invalid_scope");
  assert.equal(location.searchParams.get("state"), "q");
});

test("with the out-of-band redirect URI the code is shown on a page and can be exchanged", async () => {
  const oob = await registerApp(server, { redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read" });
  const res = await signInAndAuthorize(server, new Browser(), {
    response_type: "code", client_id: oob.client_id, redirect_uri: "urn:ietf:wg:oauth:2.0:oob",
  }, alice);
  assert.equal(res.status, 200);
  const code = /id="code" readonly value="([^"]+)"/.exec(await res.text())![1];
  const token = await postForm(`${server.url}/oauth/token`, {
    grant_type: "authorization_code", code, client_id: oob.client_id, client_secret: oob.client_secret,
    redirect_uri: "urn:ietf:wg:oauth:2.0:oob",
  });
  assert.equal(token.status, 200);
  assert.equal(((await token.json()) as { scope: string }).scope, "read");
});

test("the authorization server metadata lists the endpoints and S256", async () => {
  const res = await fetch(`${server.url}/.well-known/oauth-authorization-server`, { headers: { origin: "https://elk.example" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  const meta = (await res.json()) as Record<string, unknown>;
  assert.equal(meta.issuer, `${server.url}/`);
  assert.equal(meta.token_endpoint, `${server.url}/oauth/token`);
  assert.equal(meta.authorization_endpoint, `${server.url}/oauth/authorize`);
  assert.equal(meta.app_registration_endpoint, `${server.url}/api/v1/apps`);
  assert.deepEqual(meta.code_challenge_methods_supported, ["S256"]);
  assert.ok((meta.scopes_supported as string[]).includes("read:statuses"));
});
