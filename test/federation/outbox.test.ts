import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Account } from "../../src/domain/accounts.ts";
import { deleteLocalAccount } from "../../src/domain/account-deletion.ts";
import { enqueueJob } from "../../src/jobs/outbox.ts";
import { testDialect } from "../helpers/db.ts";
import { startPeer, type TestPeer } from "../helpers/peer.ts";
import { localAccount, startWeft, stillNothing, type LocalWeft } from "./support.ts";

describe(`deliveries to followers (${testDialect()})`, () => {
  let weft: LocalWeft;
  let peer: TestPeer;
  let other: TestPeer;
  let alice: Account;
  const aliceUri = () => weft.url("/users/alice");

  before(async () => {
    weft = await startWeft();
    peer = await startPeer({ username: "bob", others: ["carol"] });
    other = await startPeer({ username: "dora" });
    alice = await localAccount(weft.app, "alice");
    for (const follower of [peer, peer.as("carol"), other]) {
      const follow = await follower.follow(`@alice@${weft.domain}`);
      const receiver = follower === other ? other : peer;
      await receiver.waitFor((a) => a.type === "Accept" && a.object === follow.id?.href);
    }
  });
  after(async () => {
    await peer?.stop();
    await other?.stop();
    await weft?.stop();
  });

  test("a profile update reaches each follower's server once, through its shared inbox", async () => {
    await weft.app.ctx.db.updateTable("accounts").set({ display_name: "Alice A." }).where("id", "=", alice.id).execute();
    await enqueueJob(weft.app.ctx.db, { kind: "deliver", activity: { type: "UpdateActor", accountId: alice.id } });
    for (const server of [peer, other]) {
      const update = await server.waitFor((a) => a.type === "Update" && a.actor === aliceUri());
      assert.equal(update.recipient, null, "shared inbox");
      assert.equal(update.json.object.id, aliceUri());
      assert.equal(update.json.object.name, "Alice A.");
    }
    assert.ok(await stillNothing(async () => peer.received.filter((a) => a.type === "Update").length > 1), "once per server");
  });

  test("deleting the account tells every server that followed it", async () => {
    await deleteLocalAccount(weft.app.ctx, alice.id);
    for (const server of [peer, other]) {
      const del = await server.waitFor((a) => a.type === "Delete" && a.actor === aliceUri());
      assert.equal(del.object, aliceUri());
    }
    const gone = await weft.fetch("/users/alice", { headers: { accept: "application/activity+json" } });
    assert.equal(gone.status, 410);
  });
});
