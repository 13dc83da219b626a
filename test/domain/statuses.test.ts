import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";
import { domainCtx, follow, homeIds, jobs, notificationsOf, remoteAccount } from "./support.ts";
import { createLocalAccount } from "../../src/domain/accounts.ts";
import { createLocalStatus, deleteStatus, ingestRemoteStatus, type RemoteStatusData } from "../../src/domain/statuses.ts";
import { editLocalStatus, updateRemoteStatus } from "../../src/domain/status-edits.ts";
import { fanOutStatus } from "../../src/domain/fanout.ts";
import { reblog } from "../../src/domain/reblogs.ts";
import { homeTimeline, publicTimeline, statusContext } from "../../src/domain/timelines.ts";
import { DomainError } from "../../src/domain/errors.ts";

function remoteNote(accountId: string, uri: string, extra: Partial<RemoteStatusData> = {}): RemoteStatusData {
  return {
    uri, url: uri, accountId, inReplyToUri: null, content: "<p>hello from afar</p>", spoilerText: "", sensitive: false,
    visibility: "public", language: "en", published: new Date(Date.now() - 1000), updated: null, mentionedAccountIds: [],
    tags: [], media: [], poll: null, ...extra,
  };
}

describe(`statuses (${testDialect()})`, () => {
  let t: TestDb;
  let ctx: ReturnType<typeof domainCtx>;
  before(async () => {
    t = await createTestDb();
    ctx = domainCtx(t);
  });
  after(async () => t.drop());

  it("a local post lands in the author's feed at once, in followers' feeds after fan-out, and is queued for delivery", async () => {
    const alice = await createLocalAccount(ctx, { username: "alice" });
    const bob = await createLocalAccount(ctx, { username: "bob" });
    const carol = await createLocalAccount(ctx, { username: "carol" });
    await follow(ctx, bob.id, alice.id);
    const s = await createLocalStatus(ctx, { accountId: alice.id, text: "Hello #Weft world https://example.com/a/long/path/here" });
    assert.match(s.content, /<a href="https:\/\/weft\.test\/tags\/weft"/i);
    assert.deepEqual(await homeIds(ctx, alice.id), [s.id]);
    assert.deepEqual(await homeIds(ctx, bob.id), [], "followers get it from the queue, not inside the request");
    const queued = await jobs(ctx);
    assert.ok(queued.some((j) => j.kind === "fanout.status" && j.statusId === s.id));
    assert.ok(queued.some((j) => j.kind === "deliver" && (j.activity as { type: string }).type === "CreateStatus"));
    assert.equal(await fanOutStatus(ctx, s.id), 1);
    assert.deepEqual(await homeIds(ctx, bob.id), [s.id]);
    assert.deepEqual(await homeIds(ctx, carol.id), []);
    assert.deepEqual(await homeTimeline(ctx, bob.id, { limit: 20 }), [s.id]);
    assert.ok((await publicTimeline(ctx, { viewerId: null }, { limit: 20 })).includes(s.id));
  });

  it("refuses an empty post and one over 500 characters", async () => {
    const dave = await createLocalAccount(ctx, { username: "dave" });
    await assert.rejects(createLocalStatus(ctx, { accountId: dave.id, text: "   " }), DomainError);
    await assert.rejects(createLocalStatus(ctx, { accountId: dave.id, text: "x".repeat(501) }), /character limit/);
  });

  it("a remote reply to a local post counts, notifies the author and shows in the thread", async () => {
    const erin = await createLocalAccount(ctx, { username: "erin" });
    const zed = await remoteAccount(ctx, "zed");
    const post = await createLocalStatus(ctx, { accountId: erin.id, text: "What do you think?" });
    const reply = await ingestRemoteStatus(ctx, remoteNote(zed.id, "https://remote.test/notes/1", { inReplyToUri: post.uri }));
    const again = await ingestRemoteStatus(ctx, remoteNote(zed.id, "https://remote.test/notes/1", { inReplyToUri: post.uri }));
    assert.equal(again.id, reply.id, "a redelivered Create has one effect");
    const parent = await ctx.db.selectFrom("statuses").select("replies_count").where("id", "=", post.id).executeTakeFirstOrThrow();
    assert.equal(parent.replies_count, 1);
    assert.deepEqual(await notificationsOf(ctx, erin.id), [{ type: "mention", from: zed.id, status: reply.id }]);
    const thread = await statusContext(ctx, post.id, null);
    assert.deepEqual(thread.descendants, [reply.id]);
    assert.deepEqual((await statusContext(ctx, reply.id, null)).ancestors, [post.id]);
  });

  it("a reply that arrives before its parent is linked when the parent comes", async () => {
    const yan = await remoteAccount(ctx, "yan");
    const child = await ingestRemoteStatus(ctx, remoteNote(yan.id, "https://remote.test/notes/child", { inReplyToUri: "https://remote.test/notes/parent" }));
    assert.equal(child.in_reply_to_id, null);
    const parent = await ingestRemoteStatus(ctx, remoteNote(yan.id, "https://remote.test/notes/parent"));
    const linked = await ctx.db.selectFrom("statuses").selectAll().where("id", "=", child.id).executeTakeFirstOrThrow();
    assert.equal(linked.in_reply_to_id, parent.id);
    assert.deepEqual((await statusContext(ctx, parent.id, null)).descendants, [child.id]);
  });

  it("followers-only and direct posts stay with their audience", async () => {
    const fay = await createLocalAccount(ctx, { username: "fay" });
    const fan = await createLocalAccount(ctx, { username: "fan" });
    const stranger = await createLocalAccount(ctx, { username: "stranger" });
    await follow(ctx, fan.id, fay.id);
    const priv = await createLocalStatus(ctx, { accountId: fay.id, text: "friends only", visibility: "private" });
    const dm = await createLocalStatus(ctx, { accountId: fay.id, text: "@stranger psst", visibility: "direct" });
    await fanOutStatus(ctx, priv.id);
    await fanOutStatus(ctx, dm.id);
    assert.ok((await homeIds(ctx, fan.id)).includes(priv.id));
    assert.ok(!(await homeIds(ctx, fan.id)).includes(dm.id), "a DM is not for followers");
    assert.ok((await homeIds(ctx, stranger.id)).includes(dm.id), "a DM reaches the mentioned account");
    assert.ok(!(await homeIds(ctx, stranger.id)).includes(priv.id));
    const pub = await publicTimeline(ctx, { viewerId: stranger.id }, { limit: 40 });
    assert.ok(!pub.includes(priv.id) && !pub.includes(dm.id));
    await assert.rejects(statusContext(ctx, priv.id, stranger.id), DomainError);
    await assert.rejects(statusContext(ctx, priv.id, null), DomainError);
    await statusContext(ctx, priv.id, fan.id);
  });

  it("edits keep every version; a remote Update from the author edits too", async () => {
    const gil = await createLocalAccount(ctx, { username: "gil" });
    const s = await createLocalStatus(ctx, { accountId: gil.id, text: "first" });
    await editLocalStatus(ctx, gil.id, s.id, { text: "second" });
    const edits = await ctx.db.selectFrom("status_edits").select("content").where("status_id", "=", s.id).orderBy("id").execute();
    assert.equal(edits.length, 2);
    assert.match(edits[0].content, /first/);
    assert.match(edits[1].content, /second/);
    const other = await createLocalAccount(ctx, { username: "other" });
    await assert.rejects(editLocalStatus(ctx, other.id, s.id, { text: "hijack" }), DomainError);
    const xo = await remoteAccount(ctx, "xo");
    const r = await ingestRemoteStatus(ctx, remoteNote(xo.id, "https://remote.test/notes/e"));
    assert.equal(await updateRemoteStatus(ctx, r.id, remoteNote(xo.id, r.uri, { content: "<p>changed</p>", updated: new Date() })), "edited");
    const stored = await ctx.db.selectFrom("statuses").select(["content", "edited_at"]).where("id", "=", r.id).executeTakeFirstOrThrow();
    assert.equal(stored.content, "<p>changed</p>");
    assert.ok(stored.edited_at);
  });

  it("deleting leaves a tombstone, empties feeds and queues a Delete; only the author may", async () => {
    const hal = await createLocalAccount(ctx, { username: "hal" });
    const ida = await createLocalAccount(ctx, { username: "ida" });
    await follow(ctx, ida.id, hal.id);
    const s = await createLocalStatus(ctx, { accountId: hal.id, text: "soon gone" });
    await fanOutStatus(ctx, s.id);
    await assert.rejects(deleteStatus(ctx, s.id, ida.id), DomainError);
    await deleteStatus(ctx, s.id, hal.id);
    assert.deepEqual(await homeIds(ctx, ida.id), []);
    assert.deepEqual(await homeIds(ctx, hal.id), []);
    const row = await ctx.db.selectFrom("statuses").select("deleted_at").where("id", "=", s.id).executeTakeFirstOrThrow();
    assert.ok(row.deleted_at);
    assert.ok((await jobs(ctx)).some((j) => j.kind === "deliver" && (j.activity as { type: string; statusId: string }).type === "DeleteStatus"));
  });

  it("deleting a post tells live listeners of each boost that went with it", async () => {
    const jan = await createLocalAccount(ctx, { username: "jan" });
    const kai = await createLocalAccount(ctx, { username: "kai" });
    const s = await createLocalStatus(ctx, { accountId: jan.id, text: "boost me" });
    const boost = await reblog(ctx, kai.id, s.id, { visibility: "unlisted" });
    ctx.emitted.length = 0;
    await deleteStatus(ctx, s.id, jan.id);
    const deleted = ctx.emitted.filter((e) => (e as { type: string }).type === "status.deleted");
    assert.deepEqual(deleted, [
      { type: "status.deleted", statusId: s.id, accountId: jan.id, visibility: "public", local: true },
      { type: "status.deleted", statusId: boost.id, accountId: kai.id, visibility: "unlisted", local: true },
    ]);
  });
});
