import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DomainEvent } from "../../src/domain/events.ts";
import { fanOutStatus } from "../../src/domain/fanout.ts";
import { ingestRemoteStatus } from "../../src/domain/statuses.ts";
import { testDialect } from "../helpers/db.ts";
import { makeAccount } from "../helpers/factories.ts";
import { makeUser, startApiServer, type ApiServer, type TestUser } from "./posting-support.ts";

type Json = Record<string, any>;

/*
 * What reaches a home timeline besides follows (followed hashtags) and what is kept out of it
 * and of the public ones (members of exclusive lists, servers the viewer blocks).
 */
describe(`home timeline rules (${testDialect()})`, () => {
  let server: ApiServer;
  before(async () => {
    server = await startApiServer();
  });
  after(async () => server?.close());

  async function post(user: TestUser, status: string, extra: Record<string, unknown> = {}): Promise<{ id: string }> {
    const res = await user.call("POST", "/api/v1/statuses", { status, ...extra });
    assert.equal(res.status, 200, await res.clone().text());
    return res.json();
  }

  async function homeOf(user: TestUser): Promise<Json[]> {
    return (await user.call("GET", "/api/v1/timelines/home?limit=40")).json();
  }

  const ids = (statuses: Json[]) => statuses.map((s) => s.id);

  it("a public post reaches those following one of its hashtags, once each, and not those who mute its author", async () => {
    const [ann, dan, eve, fred] = await Promise.all(["ann", "dan", "eve", "fred"].map((n) => makeUser(server, n)));
    await dan.masto.v1.accounts.$select(ann.account.id).follow();
    for (const tag of ["gardening", "compost"]) await dan.call("POST", `/api/v1/tags/${tag}/follow`);
    await eve.call("POST", "/api/v1/tags/gardening/follow");
    await fred.call("POST", "/api/v1/tags/gardening/follow");
    await fred.masto.v1.accounts.$select(ann.account.id).mute();
    await ann.call("POST", "/api/v1/tags/gardening/follow");

    const entered: string[] = [];
    const off = server.ctx.events.on((e: DomainEvent) => {
      if (e.type === "home.inserted") entered.push(e.accountId);
    });
    const tagged = await post(ann, "Tips for #Gardening and #compost");
    entered.length = 0;
    try {
      assert.equal(await fanOutStatus(server.ctx, tagged.id), 2, "dan and eve: dan once, though he follows ann and both tags");
    } finally {
      off();
    }
    assert.deepEqual(entered.sort(), [dan.account.id, eve.account.id].sort(), "one live update per feed entered");
    assert.deepEqual(ids(await homeOf(eve)), [tagged.id]);
    assert.deepEqual(ids(await homeOf(dan)), [tagged.id]);
    assert.deepEqual(ids(await homeOf(fred)), [], "fred mutes ann");
    assert.deepEqual(ids(await homeOf(ann)), [tagged.id], "the author's own feed holds it once");

    const hidden = await post(ann, "private #gardening", { visibility: "private" });
    await fanOutStatus(server.ctx, hidden.id);
    assert.deepEqual(ids(await homeOf(eve)), [tagged.id], "only public posts travel by hashtag");
  });

  it("members of an exclusive list are read in the list, not at home", async () => {
    const [gil, hal, ida] = await Promise.all(["gil", "hal", "ida"].map((n) => makeUser(server, n)));
    await gil.masto.v1.accounts.$select(hal.account.id).follow();
    await gil.masto.v1.accounts.$select(ida.account.id).follow();
    const before = await post(hal, "posted before the list");
    await fanOutStatus(server.ctx, before.id);
    assert.deepEqual(ids(await homeOf(gil)), [before.id]);

    const list = await (await gil.call("POST", "/api/v1/lists", { title: "Hal only", exclusive: true })).json();
    assert.equal(list.exclusive, true);
    await gil.call("POST", `/api/v1/lists/${list.id}/accounts`, { account_ids: [hal.account.id] });
    const open = await (await gil.call("POST", "/api/v1/lists", { title: "Ida too" })).json();
    await gil.call("POST", `/api/v1/lists/${open.id}/accounts`, { account_ids: [ida.account.id] });

    const fromHal = await post(hal, "after the list");
    const fromIda = await post(ida, "ida in a list that is not exclusive");
    assert.equal(await fanOutStatus(server.ctx, fromHal.id), 0, "no feed entry, so no live update either");
    await fanOutStatus(server.ctx, fromIda.id);
    assert.deepEqual(ids(await homeOf(gil)), [fromIda.id], "hal's posts, old and new, are gone from home");
    const inList = await (await gil.call("GET", `/api/v1/timelines/list/${list.id}`)).json();
    assert.deepEqual(ids(inList), [fromHal.id, before.id]);

    await gil.call("PUT", `/api/v1/lists/${list.id}`, { exclusive: false });
    assert.deepEqual(ids(await homeOf(gil)), [fromIda.id, before.id], "no longer exclusive: what was in home shows again");
  });

  it("posts from a server the viewer blocks stay out of home (boosts too), public and hashtag timelines", async () => {
    const [jo, kim] = await Promise.all(["jo", "kim"].map((n) => makeUser(server, n)));
    const far = await makeAccount(server.ctx.db, { domain: "Noisy.Example", username: "loud" });
    const remote = await ingestRemoteStatus(server.ctx, {
      uri: "https://noisy.example/notes/1", url: null, accountId: far.id, inReplyToUri: null,
      content: "<p>buy now #deals</p>", spoilerText: "", sensitive: false, visibility: "public", language: "en",
      published: new Date(), updated: null, mentionedAccountIds: [], tags: ["deals"], media: [], poll: null,
    });
    await jo.masto.v1.accounts.$select(kim.account.id).follow();
    const boost = await (await kim.call("POST", `/api/v1/statuses/${remote.id}/reblog`)).json();
    await fanOutStatus(server.ctx, boost.id);
    const seesIt = async () => ({
      home: (await homeOf(jo)).some((s) => s.reblog?.id === remote.id),
      public: ids(await (await jo.call("GET", "/api/v1/timelines/public?limit=40")).json()).includes(remote.id),
      tag: ids(await (await jo.call("GET", "/api/v1/timelines/tag/deals")).json()).includes(remote.id),
    });
    assert.deepEqual(await seesIt(), { home: true, public: true, tag: true });

    assert.equal((await jo.call("POST", "/api/v1/domain_blocks", { domain: "noisy.example" })).status, 200);
    assert.deepEqual(await seesIt(), { home: false, public: false, tag: false });
    assert.deepEqual(
      ids(await (await kim.call("GET", "/api/v1/timelines/public?limit=40")).json()).includes(remote.id),
      true,
      "others still see it",
    );

    await kim.call("POST", `/api/v1/statuses/${remote.id}/unreblog`);
    const again = await (await kim.call("POST", `/api/v1/statuses/${remote.id}/reblog`)).json();
    assert.equal(await fanOutStatus(server.ctx, again.id), 0, "a new boost of it does not enter jo's feed");
  });
});
