import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createOAuthAPIClient, createRestAPIClient } from "masto";
import { testDialect } from "../../helpers/db.ts";
import { Browser, createUser, pkcePair, signInAndAuthorize, startTestServer, type TestServer } from "./helpers.ts";

let server: TestServer;
const dave = { username: "dave", password: "dave-password-123" };

before(async () => {
  server = await startTestServer();
  await createUser(server, { ...dave, email: "dave@example.test" });
});
after(() => server.close());

test(`masto.js registers an app and signs in with the password grant (${testDialect()})`, async () => {
  const rest = createRestAPIClient({ url: server.url });
  const app = await rest.v1.apps.create({
    clientName: "masto test",
    redirectUris: "urn:ietf:wg:oauth:2.0:oob",
    scopes: "read write follow push",
    website: "https://masto.example",
  });
  assert.ok(app.clientId && app.clientSecret);
  assert.equal(app.name, "masto test");

  const oauth = createOAuthAPIClient({ url: server.url });
  const token = await oauth.token.create({
    grantType: "password",
    clientId: app.clientId!,
    clientSecret: app.clientSecret!,
    redirectUri: "urn:ietf:wg:oauth:2.0:oob",
    username: "dave@example.test",
    password: dave.password,
    scope: "read write",
  });
  assert.equal(token.tokenType, "Bearer");
  assert.equal(token.scope, "read write");

  const authed = createRestAPIClient({ url: server.url, accessToken: token.accessToken });
  const verified = await authed.v1.apps.verifyCredentials();
  assert.equal(verified.name, "masto test");

  await oauth.revoke({ clientId: app.clientId!, clientSecret: app.clientSecret!, token: token.accessToken });
  await assert.rejects(authed.v1.apps.verifyCredentials(), (err: { statusCode?: number }) => err.statusCode === 401);
});

test("masto.js exchanges a code from the authorization page, with PKCE", async () => {
  const rest = createRestAPIClient({ url: server.url });
  const app = await rest.v1.apps.create({ clientName: "masto code", redirectUris: "myapp://cb", scopes: "read" });
  const { verifier, challenge } = pkcePair();
  const res = await signInAndAuthorize(server, new Browser(), {
    response_type: "code", client_id: app.clientId!, redirect_uri: "myapp://cb", scope: "read",
    code_challenge: challenge, code_challenge_method: "S256",
  }, dave);
  const code = new URL(res.headers.get("location")!).searchParams.get("code")!;

  const oauth = createOAuthAPIClient({ url: server.url });
  const token = await oauth.token.create({
    grantType: "authorization_code",
    clientId: app.clientId!,
    clientSecret: app.clientSecret!,
    redirectUri: "myapp://cb",
    code,
    // masto's types predate PKCE; the parameter goes through as given.
    ...({ codeVerifier: verifier } as object),
  });
  assert.equal(token.scope, "read");
  const authed = createRestAPIClient({ url: server.url, accessToken: token.accessToken });
  assert.equal((await authed.v1.apps.verifyCredentials()).name, "masto code");
});
