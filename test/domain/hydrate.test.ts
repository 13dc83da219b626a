import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from "kysely";
import { loadAccounts, loadNotifications, loadRelationships, loadStatuses } from "../../src/domain/hydrate.ts";
import type { Ctx } from "../../src/domain/context.ts";
import { newId, nowIso } from "../../src/domain/ids.ts";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";
import {
  makeAccount, makeApp, makeMedia, makeNotification, makePoll, makeReblog, makeStatus, mark, mention, relate, tag, testCtx, vote,
} from "../helpers/factories.ts";

const dialect = testDialect();

/** Counts every query sent through the Kysely instance it is plugged into. */
class QueryCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count++;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

let t: TestDb;
let ctx: Ctx;
before(async () => {
  t = await createTestDb();
  ctx = testCtx(t);
});
after(() => t.drop());

/** `n` statuses with everything a status can carry, each by its own author, boosted by `booster`. */
async function richStatuses(n: number, viewer: Awaited<ReturnType<typeof makeAccount>>) {
  const app = await makeApp(t.db);
  const booster = await makeAccount(t.db);
  const statuses: string[] = [];
  const boosts: string[] = [];
  for (let i = 0; i < n; i++) {
    const author = await makeAccount(t.db, i % 2 ? { domain: "remote.example" } : {});
    const s = await makeStatus(t.db, author, { application_id: app.id });
    await makeMedia(t.db, s);
    await mention(t.db, s, viewer);
    await tag(t.db, s, `Tag${i % 3}`);
    const poll = await makePoll(t.db, s);
    await vote(t.db, poll.id, viewer, 1);
    await mark(t.db, "favourites", viewer, s);
    await mark(t.db, "bookmarks", viewer, s);
    const boost = await makeReblog(t.db, booster, { ...s, poll_id: poll.id });
    statuses.push(s.id);
    boosts.push(boost.id);
  }
  return { statuses, boosts, both: statuses.flatMap((id, i) => [id, boosts[i]]) };
}

async function countQueries(run: (ctx: Ctx) => Promise<unknown>): Promise<number> {
  const counter = new QueryCounter();
  await run({ ...ctx, db: t.db.withPlugin(counter) });
  return counter.count;
}

test(`hydrating statuses takes the same number of queries for 1 as for 50 (${dialect})`, async () => {
  const viewer = await makeAccount(t.db);
  const one = await richStatuses(1, viewer);
  const fifty = await richStatuses(50, viewer);
  for (const kind of ["statuses", "boosts", "both"] as const) {
    const q1 = await countQueries((c) => loadStatuses(c, one[kind].slice(0, 1), viewer.id));
    const q50 = await countQueries((c) => loadStatuses(c, fifty[kind].slice(0, 50), viewer.id));
    assert.equal(q50, q1, `${kind}: 1 → ${q1} queries, 50 → ${q50}`);
    // 14: the viewer's muted threads joined the kinds of things (pins are asked only for the viewer's own posts).
    assert.ok(q1 <= 14, `at most one query per kind of thing (${q1})`);
  }
  const signedIn = await countQueries((c) => loadStatuses(c, fifty.statuses, viewer.id));
  const anonymous = await countQueries((c) => loadStatuses(c, fifty.statuses, null));
  assert.ok(anonymous < signedIn, "a signed-out view skips the viewer's own state");
});

test(`a hydrated status carries its author, boost, media, mentions, tags, poll and the viewer's state (${dialect})`, async () => {
  const viewer = await makeAccount(t.db);
  const { both: [statusId, boostId] } = await richStatuses(1, viewer);
  const [status, boost] = await loadStatuses(ctx, [statusId, boostId], viewer.id);
  assert.equal(status.status.id, statusId);
  assert.equal(status.media.length, 1);
  assert.deepEqual(status.mentions.map((m) => m.account.id), [viewer.id]);
  assert.equal(status.tags.length, 1);
  assert.deepEqual(status.poll?.ownVotes, [1]);
  assert.equal(status.poll?.voted, true);
  assert.equal(status.poll?.expired, false);
  assert.equal(status.application?.name, "Test client");
  assert.deepEqual(status.viewer, { favourited: true, reblogged: false, bookmarked: true, muted: false, pinned: null });
  assert.equal(boost.reblog?.status.id, statusId, "the boost wraps the original");
  assert.equal(boost.reblog?.reblog, null, "one level only");
  assert.equal(boost.viewer?.favourited, true, "a boost shows what the viewer did to the original");
  const [signedOut] = await loadStatuses(ctx, [statusId], null);
  assert.equal(signedOut.viewer, null);
  assert.equal(signedOut.poll?.ownVotes, null);
});

test(`hydration keeps the order asked and leaves out deleted statuses and boosts of deleted ones (${dialect})`, async () => {
  const author = await makeAccount(t.db);
  const booster = await makeAccount(t.db);
  const a = await makeStatus(t.db, author);
  const b = await makeStatus(t.db, author);
  const gone = await makeStatus(t.db, author, { deleted_at: new Date().toISOString() });
  const boostOfGone = await makeReblog(t.db, booster, gone);
  const views = await loadStatuses(ctx, [b.id, gone.id, a.id, boostOfGone.id, "999"], null);
  assert.deepEqual(views.map((v) => v.status.id), [b.id, a.id]);
  await mention(t.db, a, booster, true);
  const [withSilent] = await loadStatuses(ctx, [a.id], null);
  assert.deepEqual(withSilent.mentions, [], "a silent mention is not shown");
  assert.deepEqual(withSilent.silentMentions.map((m) => m.account.id), [booster.id]);
});

test(`an expired poll says so and the author counts as having voted (${dialect})`, async () => {
  const author = await makeAccount(t.db);
  const s = await makeStatus(t.db, author);
  await makePoll(t.db, s, { expires_at: new Date(Date.now() - 1000).toISOString() });
  const [view] = await loadStatuses(ctx, [s.id], author.id);
  assert.equal(view.poll?.expired, true);
  assert.equal(view.poll?.voted, true);
  assert.deepEqual(view.poll?.ownVotes, []);
  assert.equal(view.viewer?.pinned, false, "the author's own public status can be pinned");
});

test(`relationships cover both directions in a constant number of queries (${dialect})`, async () => {
  const me = await makeAccount(t.db);
  const followed = await makeAccount(t.db);
  const follower = await makeAccount(t.db);
  const requestedOf = await makeAccount(t.db, { locked: 1 });
  const blocker = await makeAccount(t.db);
  const muted = await makeAccount(t.db);
  await relate(t.db, "follows", me, followed);
  await relate(t.db, "follows", follower, me);
  await relate(t.db, "follow_requests", me, requestedOf);
  await relate(t.db, "blocks", blocker, me);
  await relate(t.db, "mutes", me, muted);
  const targets = [followed, follower, requestedOf, blocker, muted].map((a) => a.id);
  const rels = await loadRelationships(ctx, me.id, targets);
  assert.deepEqual(rels.map((r) => r.targetId), targets);
  const [f, fb, rq, bl, mu] = rels;
  assert.equal(f.following, true);
  assert.equal(f.showingReblogs, true);
  assert.equal(f.followedBy, false);
  assert.equal(fb.followedBy, true);
  assert.equal(fb.following, false);
  assert.equal(rq.requested, true);
  assert.equal(rq.following, false);
  assert.equal(bl.blockedBy, true);
  assert.equal(bl.blocking, false);
  assert.equal(mu.muting, true);
  assert.equal(mu.mutingNotifications, true);
  assert.equal(mu.domainBlocking, false);

  const remote = await makeAccount(t.db, { domain: "Blocked.Example" });
  await t.db.insertInto("domain_blocks").values({ id: newId(), account_id: me.id, domain: "blocked.example", created_at: nowIso() }).execute();
  await t.db.insertInto("endorsements").values({ id: newId(), account_id: me.id, target_account_id: followed.id, created_at: nowIso() }).execute();
  await t.db.insertInto("account_notes").values({ account_id: me.id, target_account_id: followed.id, comment: "met at FOSDEM", updated_at: nowIso() }).execute();
  const [r1, r2] = await loadRelationships(ctx, me.id, [followed.id, remote.id]);
  assert.equal(r1.endorsed, true);
  assert.equal(r1.note, "met at FOSDEM");
  assert.equal(r1.domainBlocking, false);
  assert.equal(r2.domainBlocking, true, "the viewer blocks the account's whole domain");
  assert.equal(r2.note, "");
  const few = await countQueries((c) => loadRelationships(c, me.id, targets.slice(0, 1)));
  const all = await countQueries((c) => loadRelationships(c, me.id, targets));
  assert.equal(few, all);
});

test(`accounts and notifications load in the order asked, skipping deleted senders (${dialect})`, async () => {
  const me = await makeAccount(t.db);
  const admin = await makeAccount(t.db, { admin: true });
  const deleted = await makeAccount(t.db, { deleted_at: new Date().toISOString() });
  const accounts = await loadAccounts(ctx, [admin.id, deleted.id, me.id]);
  assert.deepEqual(accounts.map((a) => [a.account.id, a.admin]), [[admin.id, true], [me.id, false]]);

  const s = await makeStatus(t.db, me);
  const fav = await makeNotification(t.db, { account_id: me.id, from_account_id: admin.id, type: "favourite", status_id: s.id });
  const follow = await makeNotification(t.db, { account_id: me.id, from_account_id: admin.id, type: "follow" });
  const fromDeleted = await makeNotification(t.db, { account_id: me.id, from_account_id: deleted.id, type: "follow" });
  const notMine = await makeNotification(t.db, { account_id: admin.id, from_account_id: me.id, type: "follow" });
  const views = await loadNotifications(ctx, me.id, [follow.id, fromDeleted.id, fav.id, notMine.id]);
  assert.deepEqual(views.map((v) => v.notification.id), [follow.id, fav.id]);
  assert.equal(views[1].status?.status.id, s.id);
  assert.equal(views[0].status, null);
});
