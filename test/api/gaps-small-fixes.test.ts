import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadInstanceFacts } from "../../src/domain/hydrate.ts";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntity } from "../helpers/openapi.ts";
import { setSetting } from "./misc-support.ts";
import { caller, makeUser, startApiServer, type ApiServer, type TestUser } from "./posting-support.ts";

describe(`profile field links and closed sign-ups (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  before(async () => {
    server = await startApiServer();
    alice = await makeUser(server, "alice");
  });
  after(async () => server?.close());

  it("marks links in profile fields rel=\"me\", as Mastodon does, so a page linking back can verify them", async (t) => {
    const form = new FormData();
    form.set("fields_attributes[0][name]", "Site");
    form.set("fields_attributes[0][value]", "https://alice.example.com/");
    form.set("fields_attributes[1][name]", "Motto");
    form.set("fields_attributes[1][value]", "rel=\"me\" is not a link");
    assert.equal((await alice.call("PATCH", "/api/v1/accounts/update_credentials", form)).status, 200);
    const account = await (await caller(server, null)("GET", `/api/v1/accounts/${alice.account.id}`)).json();
    assertMatchesEntity(account, "Account", t);
    assert.match(account.fields[0].value, /^<a href="https:\/\/alice\.example\.com\/" target="_blank" rel="nofollow noopener me"/);
    assert.doesNotMatch(account.fields[1].value, /<a /, "typed text stays text");
    const own = await (await alice.call("GET", "/api/v1/accounts/verify_credentials")).json();
    assert.equal(own.source.fields[0].value, "https://alice.example.com/", "the source keeps what was typed");
    assert.match(own.fields[0].value, /rel="nofollow noopener me"/);
  });

  it("treats Mastodon's registrations_mode \"none\" as closed wherever instance facts are read", async () => {
    await setSetting(server, "registrations_mode", "none");
    assert.equal((await loadInstanceFacts(server.ctx)).registrationsMode, "closed");
    const nodeinfo = await (await fetch(new URL("/nodeinfo/2.1", server.url))).json();
    assert.equal(nodeinfo.openRegistrations, false);
    await setSetting(server, "registrations_mode", "approval");
    assert.equal((await loadInstanceFacts(server.ctx)).registrationsMode, "approval");
  });
});
