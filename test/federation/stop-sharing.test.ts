import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Account } from "../../src/domain/accounts.ts";
import { followAccount, relationship } from "../../src/domain/follows.ts";
import { updateProfile, type MediaUrls } from "../../src/domain/profile.ts";
import { resolveAccount } from "../../src/federation/lookup.ts";
import { testDialect } from "../helpers/db.ts";
import { startPeer, type TestPeer } from "../helpers/peer.ts";
import { eventually, localAccount, startWeft, type LocalWeft } from "./support.ts";

const noMedia: MediaUrls = { urlOf: (path) => path, pathOf: () => null };

/*
 * Switching fediverse sharing off, as the servers that knew the account see it: each follow it
 * had ends the ordinary way (Undo for its own, Reject for requests to it), and the actor is
 * deleted, with a Delete that is new each time so that a second switch-off is not taken for a replay.
 */
describe(`switching fediverse sharing off (${testDialect()})`, () => {
  let weft: LocalWeft;
  let peer: TestPeer;
  let strict: TestPeer;
  let fay: Account;
  const fayUri = () => weft.url("/users/fay");
  const sharing = (on: boolean) => updateProfile(weft.app.ctx, fay.id, { fediverseSharing: on }, noMedia);
  const pendingFor = async (id: string) =>
    (await weft.app.ctx.db.selectFrom("follow_requests").select("id").where("target_account_id", "=", id).execute()).length;

  before(async () => {
    weft = await startWeft();
    peer = await startPeer({ username: "bob", others: ["carol"] });
    strict = await startPeer({ username: "gina", autoAccept: false });
    fay = await localAccount(weft.app, "fay", { locked: 1, federating: 1 });
  });
  after(async () => {
    await peer?.stop();
    await strict?.stop();
    await weft?.stop();
  });

  test("sends Undo(Follow) for its follows and requests, Reject for requests to it, then Delete", async () => {
    const bob = (await resolveAccount(weft.app, peer.handle))!;
    const gina = (await resolveAccount(weft.app, strict.handle))!;
    await followAccount(weft.app.ctx, fay.id, bob.id);
    await eventually(async () => (await relationship(weft.app.ctx, fay.id, bob.id)).following, "bob to accept");
    await followAccount(weft.app.ctx, fay.id, gina.id);
    const toGina = await strict.waitFor((a) => a.type === "Follow" && a.actor === fayUri());
    const fromCarol = await peer.as("carol").follow(`@fay@${weft.domain}`);
    await eventually(async () => (await pendingFor(fay.id)) === 1, "carol's request to wait for fay");
    const toBob = peer.received.find((a) => a.type === "Follow" && a.actor === fayUri())!;

    await sharing(false);

    const undo = await peer.waitFor((a) => a.type === "Undo" && a.actor === fayUri());
    assert.equal(undo.json.object.id, toBob.id, "the Undo names the Follow bob accepted");
    await eventually(async () => peer.followers.length === 0, "bob to let fay go");
    const undoRequest = await strict.waitFor((a) => a.type === "Undo" && a.actor === fayUri());
    assert.equal(undoRequest.json.object.id, toGina.id, "a request still waiting is withdrawn too");
    const reject = await peer.waitFor((a) => a.type === "Reject" && a.actor === fayUri());
    assert.equal(reject.json.object.id, fromCarol.id?.href);
    const del = await peer.waitFor((a) => a.type === "Delete" && a.actor === fayUri());
    assert.equal(del.object, fayUri());
  });

  test("a second switch-off sends a Delete with a new id", async () => {
    const first = peer.received.find((a) => a.type === "Delete" && a.actor === fayUri())!;
    await sharing(true);
    await peer.as("carol").follow(`@fay@${weft.domain}`);
    await eventually(async () => (await pendingFor(fay.id)) === 1, "carol's new request");
    await sharing(false);
    const second = await peer.waitFor((a) => a.type === "Delete" && a.actor === fayUri() && a.id !== first.id);
    assert.notEqual(second.id, first.id);
    assert.notEqual(second.id, `${fayUri()}#delete`);
  });
});
