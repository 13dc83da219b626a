import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import sharp from "sharp";
import type { mastodon } from "masto";
import { publishScheduledStatus } from "../../src/domain/scheduled-statuses.ts";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntities, assertMatchesEntity } from "../helpers/openapi.ts";
import { eventually } from "../helpers/wait.ts";
import { caller, links, makeUser, startApiServer, type ApiServer, type TestUser } from "./posting-support.ts";

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe(`scheduled posts (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    server = await startApiServer({}, { worker: true });
    alice = await makeUser(server, "alice");
    bob = await makeUser(server, "bob");
  });
  after(async () => server?.close());

  const schedule = (user: TestUser, status: string, minutes = 60, extra: Record<string, unknown> = {}) =>
    user.masto.v1.statuses.create({ status, scheduledAt: inMinutes(minutes), ...extra }) as Promise<mastodon.v1.ScheduledStatus>;

  async function upload(user: TestUser): Promise<string> {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#224466" } }).png().toBuffer();
    const media = await user.masto.v2.media.create({ file: new Blob([new Uint8Array(png)], { type: "image/png" }), description: "a square" });
    return media.id;
  }

  it("keeps a post for later: answered as a ScheduledStatus, listed, and its upload cannot be used elsewhere", async (t) => {
    const mediaId = await upload(alice);
    const at = inMinutes(90);
    const res = await alice.call("POST", "/api/v1/statuses", {
      status: "good morning, future",
      scheduled_at: at,
      visibility: "unlisted",
      spoiler_text: "early",
      language: "en",
      media_ids: [mediaId],
    });
    assert.equal(res.status, 200);
    const json = await res.json();
    assertMatchesEntity(json, "ScheduledStatus", t);
    assert.equal(json.scheduled_at, new Date(at).toISOString());
    assert.equal(json.params.text, "good morning, future");
    assert.equal(json.params.visibility, "unlisted");
    assert.equal(json.params.spoiler_text, "early");
    assert.equal(json.params.scheduled_at, null);
    assert.deepEqual(json.params.media_ids, [mediaId]);
    assert.deepEqual(json.media_attachments.map((m: { id: string }) => m.id), [mediaId]);

    const listed = await (await alice.call("GET", "/api/v1/scheduled_statuses")).json();
    assertMatchesEntities(listed, "ScheduledStatus", t);
    assert.ok(listed.some((s: { id: string }) => s.id === json.id));
    const viaMasto = await alice.masto.v1.scheduledStatuses.$select(json.id).fetch();
    assert.equal(viaMasto.params.text, "good morning, future");

    const reuse = await alice.call("POST", "/api/v1/statuses", { status: "now", media_ids: [mediaId] });
    assert.equal(reuse.status, 422, "the scheduled post holds the upload");
    assert.equal((await alice.call("DELETE", `/api/v1/media/${mediaId}`)).status, 422);
    const home = await alice.masto.v1.timelines.home.list();
    assert.ok(!home.some((s) => s.content.includes("good morning, future")), "nothing is posted yet");
  });

  it("refuses a time less than 5 minutes away with 422", async () => {
    const res = await alice.call("POST", "/api/v1/statuses", { status: "too soon", scheduled_at: inMinutes(2) });
    assert.equal(res.status, 422);
    assert.match((await res.json()).error, /Scheduled at must be at least 5 minutes in the future/);
    const past = await alice.call("POST", "/api/v1/statuses", { status: "too late", scheduled_at: "2001-01-01T00:00:00Z" });
    assert.equal(past.status, 422);
  });

  it("moves a scheduled post with PUT; the job recorded for the old time publishes nothing", async (t) => {
    const first = await schedule(alice, "move me", 30);
    const later = inMinutes(300);
    const moved = await alice.masto.v1.scheduledStatuses.$select(first.id).update({ scheduledAt: later });
    assert.equal(moved.scheduledAt, new Date(later).toISOString());
    const raw = await (await alice.call("GET", `/api/v1/scheduled_statuses/${first.id}`)).json();
    assertMatchesEntity(raw, "ScheduledStatus", t);
    assert.equal(raw.scheduled_at, new Date(later).toISOString());
    const tooSoon = await alice.call("PUT", `/api/v1/scheduled_statuses/${first.id}`, { scheduled_at: inMinutes(1) });
    assert.equal(tooSoon.status, 422);

    // The first job comes due at the old time and finds the post moved.
    assert.equal(await publishScheduledStatus(server.ctx, first.id), null);
    assert.equal((await alice.call("GET", `/api/v1/scheduled_statuses/${first.id}`)).status, 200);
  });

  it("cancels a scheduled post with DELETE and frees its upload", async () => {
    const mediaId = await upload(alice);
    const scheduled = await schedule(alice, "never mind", 60, { mediaIds: [mediaId] });
    await alice.masto.v1.scheduledStatuses.$select(scheduled.id).remove();
    assert.equal((await alice.call("GET", `/api/v1/scheduled_statuses/${scheduled.id}`)).status, 404);
    const listed = await alice.masto.v1.scheduledStatuses.list();
    assert.ok(!listed.some((s) => s.id === scheduled.id));
    const now = await alice.masto.v1.statuses.create({ status: "posting it now", mediaIds: [mediaId] });
    assert.deepEqual(now.mediaAttachments.map((m) => m.id), [mediaId]);
  });

  it("publishes when the time has come: the post is in the author's timeline and the scheduled post is gone", async () => {
    const scheduled = await schedule(alice, "posted by the queue", 45, { visibility: "public" });
    // Make it due: both the row's time and its job's run time move into the past.
    const past = new Date(Date.now() - 1000).toISOString();
    await server.ctx.db.updateTable("scheduled_statuses").set({ scheduled_at: past }).where("id", "=", scheduled.id).execute();
    await server.ctx.db
      .updateTable("jobs")
      .set({ run_at: past })
      .where("payload", "like", `%"scheduledStatusId":"${scheduled.id}"%`)
      .execute();
    const posted = await eventually(async () => {
      const home = await alice.masto.v1.timelines.home.list();
      return home.find((s) => s.content.includes("posted by the queue"));
    }, "the scheduled post in alice's home timeline");
    assert.equal(posted.account.id, alice.account.id);
    assert.equal(posted.visibility, "public");
    assert.equal((await alice.call("GET", `/api/v1/scheduled_statuses/${scheduled.id}`)).status, 404);
    const profile = await bob.masto.v1.accounts.$select(alice.account.id).statuses.list();
    assert.ok(profile.some((s) => s.id === posted.id), "others see it on the author's profile");
  });

  it("pages the list with Link headers", async () => {
    const carol = await makeUser(server, "carol");
    const ids = [];
    for (const m of [20, 21, 22]) ids.push((await schedule(carol, `post ${m}`, m)).id);
    const first = await carol.call("GET", "/api/v1/scheduled_statuses?limit=2");
    const page1 = (await first.json()) as { id: string }[];
    assert.deepEqual(page1.map((s) => s.id), [ids[2], ids[1]]);
    const next = links(first).next;
    assert.ok(next, "a full page links to the next one");
    const page2 = (await (await carol.call("GET", new URL(next).pathname + new URL(next).search)).json()) as { id: string }[];
    assert.deepEqual(page2.map((s) => s.id), [ids[0]]);
  });

  it("refuses a 26th scheduled post on the same day with 422", async () => {
    const dave = await makeUser(server, "dave");
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const rows = Array.from({ length: 25 }, (_, i) => ({
      id: `9${String(i).padStart(17, "0")}`,
      account_id: dave.account.id,
      scheduled_at: `${day}T10:${String(i).padStart(2, "0")}:00.000Z`,
      params: JSON.stringify({ text: `plan ${i}`, media_ids: [] }),
      created_at: new Date().toISOString(),
    }));
    await server.ctx.db.insertInto("scheduled_statuses").values(rows).execute();
    const res = await dave.call("POST", "/api/v1/statuses", { status: "one more", scheduled_at: `${day}T18:00:00.000Z` });
    assert.equal(res.status, 422);
    assert.match((await res.json()).error, /limit of 25 scheduled posts/);
    const nextDay = new Date(Date.parse(`${day}T18:00:00.000Z`) + 86_400_000).toISOString();
    assert.equal((await dave.call("POST", "/api/v1/statuses", { status: "the day after", scheduled_at: nextDay })).status, 200);
  });

  it("hides another user's scheduled post (404) and needs a token (401)", async () => {
    const mine = await schedule(alice, "alice's secret plan", 60);
    assert.equal((await bob.call("GET", `/api/v1/scheduled_statuses/${mine.id}`)).status, 404);
    assert.equal((await bob.call("PUT", `/api/v1/scheduled_statuses/${mine.id}`, { scheduled_at: inMinutes(100) })).status, 404);
    assert.equal((await bob.call("DELETE", `/api/v1/scheduled_statuses/${mine.id}`)).status, 404);
    assert.ok(!(await bob.masto.v1.scheduledStatuses.list()).some((s) => s.id === mine.id));
    const anonymous = caller(server, null);
    assert.equal((await anonymous("GET", "/api/v1/scheduled_statuses")).status, 401);
    assert.equal((await anonymous("GET", `/api/v1/scheduled_statuses/${mine.id}`)).status, 401);
    assert.equal((await alice.call("GET", `/api/v1/scheduled_statuses/${mine.id}`)).status, 200, "still there for alice");
  });
});
