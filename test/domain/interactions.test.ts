import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";
import { domainCtx, follow, homeIds, jobs, notificationsOf, remoteAccount } from "./support.ts";
import { createLocalAccount } from "../../src/domain/accounts.ts";
import { createLocalStatus, ingestRemoteStatus } from "../../src/domain/statuses.ts";
import { favourite, unfavourite, unfavouriteByUri } from "../../src/domain/favourites.ts";
import { reblog, unreblog, unreblogByUri } from "../../src/domain/reblogs.ts";
import { closePoll, recordRemoteVote, voteInPoll } from "../../src/domain/polls.ts";
import { fanOutStatus } from "../../src/domain/fanout.ts";
import { DomainError } from "../../src/domain/errors.ts";

describe(`likes, boosts and polls (${testDialect()})`, () => {
  let t: TestDb;
  let ctx: ReturnType<typeof domainCtx>;
  before(async () => {
    t = await createTestDb();
    ctx = domainCtx(t);
  });
  after(async () => t.drop());

  const counts = (id: string) =>
    ctx.db.selectFrom("statuses").select(["favourites_count", "reblogs_count"]).where("id", "=", id).executeTakeFirstOrThrow();

  it("a remote like counts once, notifies, and its Undo takes it back", async () => {
    const alice = await createLocalAccount(ctx, { username: "alice" });
    const zed = await remoteAccount(ctx, "zed");
    const s = await createLocalStatus(ctx, { accountId: alice.id, text: "like me" });
    assert.equal(await favourite(ctx, zed.id, s.id, { uri: "https://remote.test/likes/1" }), "created");
    assert.equal(await favourite(ctx, zed.id, s.id, { uri: "https://remote.test/likes/1" }), "exists");
    assert.equal((await counts(s.id)).favourites_count, 1);
    assert.deepEqual(await notificationsOf(ctx, alice.id), [{ type: "favourite", from: zed.id, status: s.id }]);
    const mallory = await remoteAccount(ctx, "mallory", "evil.test");
    assert.equal(await unfavouriteByUri(ctx, mallory.id, "https://remote.test/likes/1"), "absent", "only the liker can undo");
    assert.equal(await unfavouriteByUri(ctx, zed.id, "https://remote.test/likes/1"), "removed");
    assert.equal((await counts(s.id)).favourites_count, 0);
    assert.deepEqual(await notificationsOf(ctx, alice.id), []);
  });

  it("a local like of a remote post is queued for delivery, and so is its undo", async () => {
    const bob = await createLocalAccount(ctx, { username: "bob" });
    const yan = await remoteAccount(ctx, "yan");
    const r = await ingestRemoteStatus(ctx, {
      uri: "https://remote.test/notes/9", url: null, accountId: yan.id, inReplyToUri: null, content: "<p>hi</p>", spoilerText: "",
      sensitive: false, visibility: "public", language: null, published: new Date(), updated: null, mentionedAccountIds: [], tags: [], media: [], poll: null,
    });
    await favourite(ctx, bob.id, r.id);
    await unfavourite(ctx, bob.id, r.id);
    const types = (await jobs(ctx)).filter((j) => j.kind === "deliver").map((j) => (j.activity as { type: string }).type);
    assert.ok(types.includes("Like") && types.includes("UndoLike"));
  });

  it("a boost reaches the booster's followers, once, and unboosting removes it", async () => {
    const carol = await createLocalAccount(ctx, { username: "carol" });
    const dan = await createLocalAccount(ctx, { username: "dan" });
    const eve = await createLocalAccount(ctx, { username: "eve" });
    await follow(ctx, eve.id, dan.id);
    const s = await createLocalStatus(ctx, { accountId: carol.id, text: "boost me" });
    const b = await reblog(ctx, dan.id, s.id);
    const b2 = await reblog(ctx, dan.id, s.id);
    assert.equal(b2.id, b.id, "boosting twice is one boost");
    assert.equal((await counts(s.id)).reblogs_count, 1);
    await fanOutStatus(ctx, b.id);
    assert.deepEqual(await homeIds(ctx, eve.id), [b.id]);
    assert.deepEqual(await notificationsOf(ctx, carol.id), [{ type: "reblog", from: dan.id, status: s.id }]);
    assert.equal(await unreblog(ctx, dan.id, s.id), "removed");
    assert.deepEqual(await homeIds(ctx, eve.id), []);
    assert.equal((await counts(s.id)).reblogs_count, 0);
    assert.ok((await jobs(ctx)).some((j) => (j.activity as { type?: string } | undefined)?.type === "UndoAnnounce"));
  });

  it("a remote boost is undone only by its booster", async () => {
    const fay = await createLocalAccount(ctx, { username: "fay" });
    const xo = await remoteAccount(ctx, "xo");
    const s = await createLocalStatus(ctx, { accountId: fay.id, text: "hello" });
    await reblog(ctx, xo.id, s.id, { remote: { uri: "https://remote.test/announce/1", published: new Date() } });
    const other = await remoteAccount(ctx, "other");
    assert.equal(await unreblogByUri(ctx, other.id, "https://remote.test/announce/1"), "absent");
    assert.equal(await unreblogByUri(ctx, xo.id, "https://remote.test/announce/1"), "removed");
  });

  it("followers-only posts cannot be boosted by others, direct ones not at all", async () => {
    const gil = await createLocalAccount(ctx, { username: "gil" });
    const hal = await createLocalAccount(ctx, { username: "hal" });
    await follow(ctx, hal.id, gil.id);
    const priv = await createLocalStatus(ctx, { accountId: gil.id, text: "friends", visibility: "private" });
    await assert.rejects(reblog(ctx, hal.id, priv.id), DomainError);
  });

  it("polls: one vote per person, remote votes counted, closed polls refuse votes and notify", async () => {
    const ida = await createLocalAccount(ctx, { username: "ida" });
    const jon = await createLocalAccount(ctx, { username: "jon" });
    const zoe = await remoteAccount(ctx, "zoe");
    const s = await createLocalStatus(ctx, { accountId: ida.id, text: "Tea or coffee?", poll: { options: ["Tea", "Coffee"], expiresIn: 3600 } });
    assert.ok(s.poll_id);
    const pollId = s.poll_id!;
    await assert.rejects(voteInPoll(ctx, ida.id, pollId, [0]), DomainError, "not in your own poll");
    await assert.rejects(voteInPoll(ctx, jon.id, pollId, [0, 1]), /only one choice/);
    const after1 = await voteInPoll(ctx, jon.id, pollId, [1]);
    assert.deepEqual(JSON.parse(after1.cached_tallies), [0, 1]);
    await assert.rejects(voteInPoll(ctx, jon.id, pollId, [0]), /already voted/);
    assert.equal(await recordRemoteVote(ctx, { accountId: zoe.id, pollId, optionTitle: "Tea", uri: "https://remote.test/votes/1" }), "recorded");
    assert.equal(await recordRemoteVote(ctx, { accountId: zoe.id, pollId, optionTitle: "Tea", uri: "https://remote.test/votes/1" }), "duplicate");
    assert.equal(await recordRemoteVote(ctx, { accountId: zoe.id, pollId, optionTitle: "Coffee", uri: "https://remote.test/votes/2" }), "rejected");
    assert.equal(await recordRemoteVote(ctx, { accountId: zoe.id, pollId, optionTitle: "Milk", uri: "https://remote.test/votes/3" }), "rejected");
    const poll = await ctx.db.selectFrom("polls").selectAll().where("id", "=", pollId).executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(poll.cached_tallies), [1, 1]);
    assert.equal(poll.voters_count, 2);
    await ctx.db.updateTable("polls").set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where("id", "=", pollId).execute();
    assert.equal(await recordRemoteVote(ctx, { accountId: zoe.id, pollId, optionTitle: "Coffee", uri: "https://remote.test/votes/4" }), "rejected");
    await closePoll(ctx, pollId);
    assert.ok((await notificationsOf(ctx, jon.id)).some((n) => n.type === "poll"));
    assert.ok((await notificationsOf(ctx, ida.id)).some((n) => n.type === "poll"));
  });
});
