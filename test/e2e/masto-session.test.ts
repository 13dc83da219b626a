import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createOAuthAPIClient, createRestAPIClient } from "masto";
import { createLocalAccount } from "../../src/domain/accounts.ts";
import { testDialect } from "../helpers/db.ts";
import { startApiServer, type ApiServer } from "../helpers/server.ts";
import { eventually } from "../helpers/wait.ts";

/*
 * One session as a person's app would run it, with nothing but the npm `masto` client: register
 * an app, get a token, post, read the home timeline, favourite, read notifications.
 */

let server: ApiServer;
before(async () => {
  server = await startApiServer({}, { worker: true });
  await createLocalAccount(server.ctx, { username: "erin", password: "erin-password-123", email: "erin@example.test" });
  await createLocalAccount(server.ctx, { username: "finn", password: "finn-password-123", email: "finn@example.test" });
});
after(() => server.close());

async function signIn(email: string, password: string) {
  const app = await createRestAPIClient({ url: server.url }).v1.apps.create({
    clientName: "Session test", redirectUris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write follow push",
  });
  const token = await createOAuthAPIClient({ url: server.url }).token.create({
    grantType: "password", clientId: app.clientId!, clientSecret: app.clientSecret!, redirectUri: "urn:ietf:wg:oauth:2.0:oob",
    username: email, password, scope: "read write follow push",
  });
  return createRestAPIClient({ url: server.url, accessToken: token.accessToken });
}

test(`a masto.js session: app, token, post, home timeline, favourite, notifications (${testDialect()})`, async () => {
  const erin = await signIn("erin@example.test", "erin-password-123");
  const finn = await signIn("finn@example.test", "finn-password-123");
  const erinAccount = await erin.v1.accounts.verifyCredentials();
  assert.equal(erinAccount.username, "erin");

  await finn.v1.accounts.$select(erinAccount.id).follow();
  const post = await erin.v1.statuses.create({ status: "Good morning, #weft!", visibility: "public" });
  assert.match(post.content, /Good morning/);
  assert.equal(post.tags[0]?.name, "weft");

  // Followers' home timelines fill from the queue, after the post is saved.
  const inFinnsHome = await eventually(
    async () => (await finn.v1.timelines.home.list()).find((s) => s.id === post.id),
    "erin's post in finn's home timeline",
  );
  assert.equal(inFinnsHome.account.acct, "erin");

  const liked = await finn.v1.statuses.$select(post.id).favourite();
  assert.equal(liked.favourited, true);
  assert.equal(liked.favouritesCount, 1);

  const notifications = await erin.v1.notifications.list();
  const kinds = notifications.map((n) => `${n.type}:${n.account.acct}`);
  assert.ok(kinds.includes("follow:finn"), kinds.join(", "));
  assert.ok(kinds.includes("favourite:finn"), kinds.join(", "));
  assert.equal(notifications.find((n) => n.type === "favourite")?.status?.id, post.id);
});
