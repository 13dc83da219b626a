import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Ctx } from "../../../src/domain/context.ts";
import {
  loadAccounts, loadCredentials, loadInstanceFacts, loadNotifications, loadRelationships, loadStatuses,
} from "../../../src/domain/hydrate.ts";
import { serializeAccount, serializeCredentialAccount } from "../../../src/api/entities/account.ts";
import { serializeInstanceV1, serializeInstanceV2 } from "../../../src/api/entities/instance.ts";
import { serializeNotification } from "../../../src/api/entities/notification.ts";
import { serializePoll } from "../../../src/api/entities/poll.ts";
import { serializeRelationship } from "../../../src/api/entities/relationship.ts";
import { serializeContext, serializeStatus, serializeStatusSource } from "../../../src/api/entities/status.ts";
import { serializeStatusEdit } from "../../../src/api/entities/status-edit.ts";
import { serializeTag } from "../../../src/api/entities/tag.ts";
import { instanceLimits } from "../../../src/api/v1/instance.ts";
import { newId } from "../../../src/domain/ids.ts";
import { readRegistrationSettings } from "../../../src/domain/instance-settings.ts";
import { createTestDb, testDialect, type TestDb } from "../../helpers/db.ts";
import {
  makeAccount, makeApp, makeMedia, makeNotification, makePoll, makeReblog, makeStatus, mark, mention, relate, tag, testCtx, vote,
  TEST_URL,
} from "../../helpers/factories.ts";
import { assertMatchesEntity, openapiSkip } from "../../helpers/openapi.ts";

const dialect = testDialect();
let t: TestDb;
let ctx: Ctx;
before(async () => {
  t = await createTestDb();
  ctx = testCtx(t);
});
after(() => t.drop());

test(`local and remote accounts match Mastodon's Account schema (${dialect})`, { skip: openapiSkip }, async () => {
  const local = await makeAccount(t.db, {
    username: "alice", admin: true, note: "Hi!\nSee https://example.com/x <3",
    fields: JSON.stringify([{ name: "Site", value: "https://alice.example.com", verified_at: null }]),
    last_status_at: "2025-03-04T05:06:07.000Z",
  });
  const remote = await makeAccount(t.db, {
    username: "bob", domain: "remote.example", note: "<p>remote bio</p>", avatar_url: "https://remote.example/a.png",
    actor_type: "Service", emojis: JSON.stringify([{ shortcode: "wave", url: "https://remote.example/wave.png" }]),
  });
  const [a, b] = (await loadAccounts(ctx, [local.id, remote.id])).map((v) => serializeAccount(v, ctx.config));
  assertMatchesEntity(a, "Account");
  assertMatchesEntity(b, "Account");
  assert.equal(a.acct, "alice");
  assert.equal(b.acct, "bob@remote.example");
  assert.equal(a.avatar, `${TEST_URL}/avatars/original/missing.png`);
  assert.equal(a.header, `${TEST_URL}/headers/original/missing.png`);
  assert.equal(b.avatar, "https://remote.example/a.png");
  assert.equal(a.last_status_at, "2025-03-04");
  assert.match(a.created_at, /T00:00:00\.000Z$/);
  assert.match(a.note, /^<p>Hi!<br \/>See <a href="https:\/\/example.com\/x" [^>]*>.*<\/a> &lt;3<\/p>$/, "a local bio is rendered as HTML");
  assert.equal(b.note, "<p>remote bio</p>");
  assert.match(a.fields[0].value, /^<a href="https:\/\/alice.example.com"/);
  assert.deepEqual(a.roles.map((r) => r.name), ["Admin"]);
  assert.equal(b.bot, true, "a Service actor is a bot");
  assert.equal(b.emojis[0].shortcode, "wave");
  assert.equal(a.url, `${TEST_URL}/@alice`);
});

test(`the signed-in account matches CredentialAccount with its source and role (${dialect})`, { skip: openapiSkip }, async () => {
  const me = await makeAccount(t.db, { note: "plain <b>bio</b>", settings: { default_visibility: "private", default_sensitive: true, default_language: "de" } });
  const asker = await makeAccount(t.db);
  await relate(t.db, "follow_requests", asker, me);
  const creds = (await loadCredentials(ctx, me.id))!;
  const json = serializeCredentialAccount(creds.account, creds, ctx.config);
  assertMatchesEntity(json, "CredentialAccount");
  assert.equal(json.source.privacy, "private");
  assert.equal(json.source.sensitive, true);
  assert.equal(json.source.language, "de");
  assert.equal(json.source.note, "plain <b>bio</b>", "source keeps the text as typed");
  assert.equal(json.note, "<p>plain &lt;b&gt;bio&lt;/b&gt;</p>");
  assert.equal(json.source.follow_requests_count, 1);
  assert.equal(json.role.permissions, "65536");
});

test(`a status with media, mentions, tags, poll and application, and a boost of it, match Status (${dialect})`, { skip: openapiSkip }, async () => {
  const viewer = await makeAccount(t.db);
  const author = await makeAccount(t.db, { domain: "remote.example", username: "carol" });
  const booster = await makeAccount(t.db);
  const app = await makeApp(t.db);
  const parent = await makeStatus(t.db, viewer);
  const s = await makeStatus(t.db, author, {
    application_id: app.id, sensitive: 1, spoiler_text: "cw", language: "en-GB", edited_at: new Date().toISOString(),
    in_reply_to_id: parent.id, in_reply_to_account_id: viewer.id,
  });
  await makeMedia(t.db, s);
  await makeMedia(t.db, s, { file_path: null, preview_path: null, remote_url: "https://remote.example/v.mp4", type: "video", meta: "{}" });
  await mention(t.db, s, viewer);
  await tag(t.db, s, "Weft");
  const poll = await makePoll(t.db, s, { multiple: 1, options: JSON.stringify(["a", "b", "c"]), cached_tallies: JSON.stringify([1, 0, 2]), votes_count: 3, voters_count: 2 });
  await vote(t.db, poll.id, viewer, 0);
  await mark(t.db, "favourites", viewer, s);
  const boost = await makeReblog(t.db, booster, s);

  const [status, wrapper] = (await loadStatuses(ctx, [s.id, boost.id], viewer.id)).map((v) => serializeStatus(v, ctx.config));
  assertMatchesEntity(status, "Status");
  assertMatchesEntity(wrapper, "Status");
  assert.equal(status.language, "en");
  assert.equal(status.in_reply_to_id, parent.id);
  assert.equal(status.media_attachments[0].url, `${TEST_URL}/system/media/${s.id}/original.png`);
  assert.equal(status.media_attachments[1].url, "https://remote.example/v.mp4", "uncached remote media is shown from its origin");
  assert.deepEqual(status.mentions.map((m) => m.acct), [viewer.username]);
  assert.deepEqual(status.tags, [{ name: "Weft", url: `${TEST_URL}/tags/weft` }]);
  assert.deepEqual(status.poll?.own_votes, [0]);
  assert.equal(status.poll?.voters_count, 2);
  assert.deepEqual(status.application, { name: "Test client", website: "https://app.example" });
  assert.equal(status.favourited, true);
  assert.equal(status.reblogged, false);
  assert.equal(status.pinned, undefined, "someone else's status cannot be pinned");
  assert.equal(status.card, null);
  assert.deepEqual(status.filtered, []);
  assert.equal(wrapper.reblog?.id, s.id);
  assert.equal(wrapper.account.id, booster.id);
  assertMatchesEntity(serializePoll((await loadStatuses(ctx, [s.id], null))[0].poll!), "Poll");

  const [anon] = (await loadStatuses(ctx, [s.id], null)).map((v) => serializeStatus(v, ctx.config));
  assertMatchesEntity(anon, "Status");
  assert.equal("favourited" in anon, false, "no viewer state without a viewer");
  assert.equal(anon.poll && "own_votes" in anon.poll, false);

  assertMatchesEntity(serializeContext([], [], ctx.config), "Context");
  assertMatchesEntity(serializeStatusSource(s), "StatusSource");
  assert.equal(serializeStatusSource(s).text, "hello");
  const [authorView] = await loadAccounts(ctx, [author.id]);
  const edit = {
    id: newId(), status_id: s.id, content: "<p>old</p>", spoiler_text: "", sensitive: 0,
    poll_options: JSON.stringify(["a", "b"]), media_ids: null, created_at: new Date().toISOString(),
  };
  assertMatchesEntity(serializeStatusEdit(edit, authorView, [], ctx.config), "StatusEdit");
  const tagRow = await t.db.selectFrom("tags").selectAll().where("name", "=", "weft").executeTakeFirstOrThrow();
  assertMatchesEntity(serializeTag(tagRow, ctx.config), "Tag");
});

test(`relationships and notifications match their schemas (${dialect})`, { skip: openapiSkip }, async () => {
  const me = await makeAccount(t.db);
  const other = await makeAccount(t.db, { domain: "remote.example" });
  await relate(t.db, "follows", me, other);
  await relate(t.db, "mutes", me, other);
  const [rel] = await loadRelationships(ctx, me.id, [other.id]);
  const json = serializeRelationship(rel);
  assertMatchesEntity(json, "Relationship");
  assert.equal(json.id, other.id);
  assert.equal(json.following, true);
  assert.equal(json.muting, true);

  const s = await makeStatus(t.db, me);
  const n1 = await makeNotification(t.db, { account_id: me.id, from_account_id: other.id, type: "favourite", status_id: s.id });
  const n2 = await makeNotification(t.db, { account_id: me.id, from_account_id: other.id, type: "follow" });
  const views = await loadNotifications(ctx, me.id, [n1.id, n2.id]);
  for (const v of views) assertMatchesEntity(serializeNotification(v, ctx.config), "Notification");
  assert.equal(serializeNotification(views[0], ctx.config).status?.id, s.id);
});

test(`the instance entities match Instance (v2) and V1Instance (${dialect})`, { skip: openapiSkip }, async () => {
  const [facts, registrations] = await Promise.all([loadInstanceFacts(ctx), readRegistrationSettings(ctx)]);
  const v1 = serializeInstanceV1(facts, instanceLimits(), ctx.config, registrations);
  const v2 = serializeInstanceV2(facts, instanceLimits(), ctx.config, registrations);
  assertMatchesEntity(v1, "V1Instance");
  assertMatchesEntity(v2, "Instance");
  assert.equal(v2.configuration.urls.streaming, "wss://weft.test");
  assert.equal(v1.urls.streaming_api, "wss://weft.test");
  assert.equal(v2.configuration.statuses.max_characters, 500);
  assert.equal(v2.configuration.polls.max_options, 4);
  assert.match(v2.version, /^4\.3\.0 \(compatible; Weft /);
});
