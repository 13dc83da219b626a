import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testDialect } from "../helpers/db.ts";
import { makeAccount } from "../helpers/factories.ts";
import { assertMatchesEntities, assertMatchesEntity } from "../helpers/openapi.ts";
import { setSetting } from "./misc-support.ts";
import { caller, makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

describe(`instance extras, suggestions, batch lookups and answers for missing features (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let anon: ReturnType<typeof caller>;
  before(async () => {
    server = await startApiServer();
    alice = await makeUser(server, "alice");
    bob = await makeUser(server, "bob");
    carol = await makeUser(server, "carol");
    anon = caller(server, null);
  });
  after(async () => server?.close());

  const json = async (res: Response | Promise<Response>) => {
    const r = await res;
    assert.equal(r.status, 200, r.url);
    return r.json();
  };

  it("lists the servers it knows as peers", async () => {
    await makeAccount(server.ctx.db, { username: "x", domain: "b.example" });
    await makeAccount(server.ctx.db, { username: "y", domain: "a.example" });
    await makeAccount(server.ctx.db, { username: "z", domain: "a.example" });
    await makeAccount(server.ctx.db, { username: "gone", domain: "c.example", deleted_at: new Date().toISOString() });
    assert.deepEqual(await json(anon("GET", "/api/v1/instance/peers")), ["a.example", "b.example"]);
  });

  it("bins the last 12 weeks of posts, sign-ins and sign-ups, newest week first", async () => {
    await alice.call("POST", "/api/v1/statuses", { status: "counted" });
    const weeks = (await json(anon("GET", "/api/v1/instance/activity"))) as Array<Record<string, string>>;
    assert.equal(weeks.length, 12);
    for (const w of weeks) for (const k of ["week", "statuses", "logins", "registrations"]) assert.equal(typeof w[k], "string", k);
    const today = Math.floor(Date.now() / 86_400_000) * 86_400;
    assert.equal(weeks[0].week, String(today), "week 0 starts at midnight today");
    assert.equal(Number(weeks[0].week) - Number(weeks[1].week), 7 * 86_400);
    assert.equal(weeks[0].statuses, "1");
    assert.equal(weeks[0].registrations, "3");
    assert.equal(weeks[0].logins, "3", "each test user signed in to an app once");
  });

  it("serves the extended description, post languages, no translation languages and no moderated servers", async (t) => {
    const empty = await json(anon("GET", "/api/v1/instance/extended_description"));
    assertMatchesEntity(empty, "ExtendedDescription", t);
    assert.equal(empty.content, "");
    await setSetting(server, "site_description", "Welcome!\n\nSee https://example.com/about for more.");
    const described = await json(anon("GET", "/api/v1/instance/extended_description"));
    assertMatchesEntity(described, "ExtendedDescription", t);
    assert.match(described.content, /^<p>Welcome!<\/p><p>See <a href="https:\/\/example.com\/about"/);

    const languages = (await json(anon("GET", "/api/v1/instance/languages"))) as Array<{ code: string; name: string }>;
    assert.ok(languages.length > 150);
    assert.deepEqual(languages.find((l) => l.code === "de"), { code: "de", name: "German" });
    assert.deepEqual(await json(anon("GET", "/api/v1/instance/translation_languages")), {});
    assert.deepEqual(await json(anon("GET", "/api/v1/instance/domain_blocks")), []);
  });

  it("suggests popular local accounts the user does not follow, until dismissed", async (t) => {
    await bob.call("POST", `/api/v1/accounts/${carol.account.id}/follow`);
    const v1 = await json(alice.call("GET", "/api/v1/suggestions"));
    assertMatchesEntities(v1, "Account", t);
    assert.deepEqual(v1.map((a: { id: string }) => a.id), [carol.account.id, bob.account.id], "most followed first, never oneself");
    const v2 = await json(alice.call("GET", "/api/v2/suggestions?limit=1"));
    assertMatchesEntities(v2, "Suggestion", t);
    assert.deepEqual(v2.map((s: { account: { id: string } }) => s.account.id), [carol.account.id]);
    assert.deepEqual(v2[0].sources, ["most_followed"]);

    await alice.call("POST", `/api/v1/accounts/${carol.account.id}/follow`);
    const dismissed = await alice.call("DELETE", `/api/v1/suggestions/${bob.account.id}`);
    assert.equal(dismissed.status, 200);
    assert.deepEqual(await dismissed.json(), {});
    assert.deepEqual(await json(alice.call("GET", "/api/v1/suggestions")), [], "followed and dismissed accounts are not suggested");
    assert.equal((await anon("GET", "/api/v1/suggestions")).status, 401);
  });

  it("fetches several statuses at once, leaving out what the caller may not see", async (t) => {
    const post = async (u: TestUser, status: string, visibility = "public") =>
      (await (await u.call("POST", "/api/v1/statuses", { status, visibility })).json()).id as string;
    const open = await post(bob, "for everyone");
    const secret = await post(bob, "@carol just us", "direct");
    const mine = await post(alice, "alice's own", "private");
    const carols = await post(carol, "another");
    const res = await alice.call("GET", `/api/v1/statuses?id[]=${open}&id[]=${secret}&id[]=${mine}&id[]=123456789012345678&id[]=${carols}`);
    const list = await json(res);
    assertMatchesEntities(list, "Status", t);
    assert.deepEqual(list.map((s: { id: string }) => s.id), [open, mine, carols], "asked order, hidden and unknown ones left out");
    assert.deepEqual((await json(anon("GET", `/api/v1/statuses?id[]=${open}&id[]=${mine}`))).map((s: { id: string }) => s.id), [open]);
    await alice.call("POST", `/api/v1/accounts/${bob.account.id}/mute`);
    assert.deepEqual((await json(alice.call("GET", `/api/v1/statuses?id=${open}`))).length, 0, "muted authors are left out");
    await alice.call("POST", `/api/v1/accounts/${bob.account.id}/unmute`);
    const tooMany = Array.from({ length: 21 }, (_, i) => `id[]=${i + 1}`).join("&");
    assert.equal((await alice.call("GET", `/api/v1/statuses?${tooMany}`)).status, 422);
  });

  it("fetches several accounts at once", async (t) => {
    const list = await json(anon("GET", `/api/v1/accounts?id[]=${carol.account.id}&id[]=${alice.account.id}&id[]=999`));
    assertMatchesEntities(list, "Account", t);
    assert.deepEqual(list.map((a: { id: string }) => a.id), [carol.account.id, alice.account.id]);
    assert.deepEqual(await json(anon("GET", "/api/v1/accounts")), []);
  });

  it("answers translation, the old card endpoint and e-mail confirmation as a Mastodon without them does", async () => {
    const id = (await (await bob.call("POST", "/api/v1/statuses", { status: "Hallo Welt", language: "de" })).json()).id;
    const translate = await alice.call("POST", `/api/v1/statuses/${id}/translate`, { lang: "en" });
    assert.equal(translate.status, 403);
    assert.deepEqual(await translate.json(), { error: "This action is not allowed" });
    assert.equal((await alice.call("POST", "/api/v1/statuses/123456789012345678/translate")).status, 404);
    assert.equal((await anon("POST", `/api/v1/statuses/${id}/translate`)).status, 401);
    const instance = await json(anon("GET", "/api/v2/instance"));
    assert.equal(instance.configuration.translation.enabled, false, "apps are told up front");

    assert.deepEqual(await json(anon("GET", `/api/v1/statuses/${id}/card`)), {});
    assert.deepEqual(await json(alice.call("GET", `/api/v1/accounts/${bob.account.id}/identity_proofs`)), [], "identity proofs: gone from Mastodon, an empty list");
    assert.equal((await anon("GET", "/api/v1/statuses/123456789012345678/card")).status, 404);

    const confirm = await alice.call("POST", "/api/v1/emails/confirmations", { email: "new@example.com" });
    assert.equal(confirm.status, 403);
    assert.match((await confirm.json()).error, /awaiting confirmation/);
    const readOnly = caller(server, await tokenFor(server, alice.account.id, "read"));
    assert.equal((await readOnly("POST", "/api/v1/emails/confirmations", {})).status, 403);
  });
});
