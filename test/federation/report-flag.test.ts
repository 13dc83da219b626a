import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Account } from "../../src/domain/accounts.ts";
import { createReport } from "../../src/domain/reports.ts";
import { testDialect } from "../helpers/db.ts";
import { startPeer, type TestPeer } from "../helpers/peer.ts";
import { localAccount, startWeft, storedRemoteAccount, type LocalWeft } from "./support.ts";

describe(`forwarded reports (${testDialect()})`, () => {
  let weft: LocalWeft;
  let peer: TestPeer;
  let alice: Account;
  let spammer: Account;

  before(async () => {
    weft = await startWeft();
    peer = await startPeer({ username: "spammer" });
    alice = await localAccount(weft.app, "alice");
    spammer = await storedRemoteAccount(weft.app, { uri: peer.actorId, username: "spammer", domain: peer.core.domain, inbox: peer.inbox });
  });
  after(async () => {
    await peer?.stop();
    await weft?.stop();
  });

  test("a report forwarded to the reported account's server arrives as a Flag from the instance actor", async () => {
    const post = await weft.app.ctx.db
      .insertInto("statuses")
      .values({
        id: "000000000000000042", uri: `${peer.actorId}/statuses/1`, url: null, account_id: spammer.id, local: 0,
        in_reply_to_id: null, in_reply_to_account_id: null, in_reply_to_uri: null, reblog_of_id: null,
        conversation_id: null, text: null, content: "<p>spam</p>", spoiler_text: "", sensitive: 0, visibility: "public",
        language: null, application_id: null, poll_id: null, replies_count: 0, reblogs_count: 0, favourites_count: 0,
        created_at: new Date().toISOString(), edited_at: null, deleted_at: null,
      })
      .returning(["id", "uri"])
      .executeTakeFirstOrThrow();
    const report = await createReport(weft.app.ctx, {
      accountId: alice.id,
      targetAccountId: spammer.id,
      statusIds: [post.id],
      comment: "selling things",
      forward: true,
      category: "spam",
      ruleIds: [],
    });
    const flag = await peer.waitFor("Flag");
    assert.equal(flag.id, report.uri);
    assert.equal(flag.actor, weft.url("/actor"), "sent by the instance actor, not by alice");
    assert.equal(flag.json.content, "selling things");
    assert.deepEqual([flag.json.object].flat(), [peer.actorId, post.uri]);
    assert.ok(!JSON.stringify(flag.json).includes("/users/alice"), "the reporter stays anonymous");
  });
});
