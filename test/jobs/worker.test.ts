import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import { exponentialBackoff, weftJobBackoff } from "../../src/jobs/backoff.ts";
import { enqueueJob } from "../../src/jobs/outbox.ts";
import { createJobRegistry, runWeftWorker } from "../../src/jobs/worker.ts";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";
import { waitFor } from "./wait.ts";

const dialect = testDialect();
let t: TestDb;
before(async () => {
  t = await createTestDb();
});
beforeEach(async () => {
  await t.db.deleteFrom("jobs").execute();
});
after(async () => {
  await t.drop();
});

function captureLog() {
  const lines: Array<{ level: number; msg: string; [k: string]: unknown }> = [];
  const log = pino({ level: "debug" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { log, lines };
}

const jobsLeft = async () => (await t.db.selectFrom("jobs").select("payload").where("queue", "=", "weft").execute()).length;

test(`weft worker (${dialect}): runs a job once its transaction commits, and never one that rolled back`, async () => {
  const { log } = captureLog();
  const jobs = createJobRegistry();
  const ran: string[] = [];
  jobs.register("fanout.status", (job) => void ran.push(job.statusId));
  const abort = new AbortController();
  const worker = runWeftWorker(t, jobs, { signal: abort.signal, log, pollIntervalMs: 100 });

  await t.db.transaction().execute(async (tx) => {
    await enqueueJob(tx, { kind: "fanout.status", statusId: "committed" });
  });
  await assert.rejects(t.db.transaction().execute(async (tx) => {
    await enqueueJob(tx, { kind: "fanout.status", statusId: "rolled-back" });
    throw new Error("the change failed");
  }));
  await waitFor("the committed job", () => ran.length === 1);
  await new Promise((r) => setTimeout(r, 300));
  abort.abort();
  await worker;
  assert.deepEqual(ran, ["committed"]);
  assert.equal(await jobsLeft(), 0);
});

test(`weft worker (${dialect}): a job due later waits for its time`, async () => {
  const { log } = captureLog();
  const jobs = createJobRegistry();
  const ran: number[] = [];
  jobs.register("poll.expire", () => void ran.push(Date.now()));
  const abort = new AbortController();
  const worker = runWeftWorker(t, jobs, { signal: abort.signal, log, pollIntervalMs: 2000 });
  const due = Date.now() + 500;
  await enqueueJob(t.db, { kind: "poll.expire", pollId: "p1" }, new Date(due));
  await waitFor("the expiry job", () => ran.length === 1);
  abort.abort();
  await worker;
  assert.ok(ran[0] >= due, "not before it was due");
  assert.ok(ran[0] - due < 1000, `and soon after (${ran[0] - due}ms)`);
});

test(`weft worker (${dialect}): retries a failing job with growing delays until it succeeds`, async () => {
  const { log, lines } = captureLog();
  const jobs = createJobRegistry();
  const tries: number[] = [];
  jobs.register("deliver", () => {
    tries.push(Date.now());
    if (tries.length < 4) throw new Error("inbox answered 503");
  });
  const abort = new AbortController();
  const worker = runWeftWorker(t, jobs, {
    signal: abort.signal,
    log,
    pollIntervalMs: 1000,
    retry: exponentialBackoff({ baseMs: 80, capMs: 10_000, giveUpAfterMs: 60_000, jitter: 0.1 }),
  });
  await enqueueJob(t.db, { kind: "deliver", activity: { type: "UpdateActor", accountId: "1" } });
  await waitFor("the fourth try", () => tries.length === 4);
  abort.abort();
  await worker;
  const gaps = tries.slice(1).map((at, i) => at - tries[i]);
  assert.ok(gaps[0] >= 70, `first retry after ~80ms (${gaps})`);
  assert.ok(gaps[1] >= 140, `second after ~160ms (${gaps})`);
  assert.ok(gaps[2] >= 280, `third after ~320ms (${gaps})`);
  assert.ok(gaps[2] > gaps[0] * 2, "delays grow");
  assert.ok(gaps[0] < 600, `a retry sooner than the poll interval is not held back by it (${gaps})`);
  assert.equal(lines.filter((l) => l.msg === "job failed; will retry").length, 3);
  assert.equal(await jobsLeft(), 0, "the job is gone once it succeeded");
});

test(`weft worker (${dialect}): gives up on a job past the retry horizon and logs the drop`, async () => {
  const { log, lines } = captureLog();
  const jobs = createJobRegistry();
  let tries = 0;
  jobs.register("deliver", () => {
    tries++;
    throw new Error("gone for good");
  });
  const abort = new AbortController();
  const worker = runWeftWorker(t, jobs, {
    signal: abort.signal,
    log,
    pollIntervalMs: 100,
    retry: exponentialBackoff({ baseMs: 30, capMs: 30, giveUpAfterMs: 200 }),
  });
  await enqueueJob(t.db, { kind: "deliver", activity: { type: "UpdateActor", accountId: "1" } });
  await waitFor("the drop", () => lines.some((l) => l.msg === "job failed too long; dropping it"));
  abort.abort();
  await worker;
  assert.ok(tries >= 2);
  const drop = lines.find((l) => l.msg === "job failed too long; dropping it")!;
  assert.match(String(drop.payload), /UpdateActor/, "the log names what was dropped");
  assert.equal(await jobsLeft(), 0);
});

test(`weft worker (${dialect}): logs and drops a job of a kind nobody handles`, async () => {
  const { log, lines } = captureLog();
  const jobs = createJobRegistry();
  const ran: string[] = [];
  jobs.register("fanout.status", (job) => void ran.push(job.statusId));
  const abort = new AbortController();
  const worker = runWeftWorker(t, jobs, { signal: abort.signal, log, pollIntervalMs: 100 });
  await enqueueJob(t.db, { kind: "no.such.kind", x: 1 });
  await enqueueJob(t.db, { kind: "fanout.status", statusId: "after" });
  await waitFor("the next job", () => ran.length === 1);
  abort.abort();
  await worker;
  assert.ok(lines.some((l) => l.kind === "no.such.kind" && /no handler/.test(l.msg)));
  assert.equal(await jobsLeft(), 0);
});

test("weft job backoff: about 30 s doubling per attempt, capped, given up after about three days", () => {
  const now = new Date();
  const delay = (attempts: number, enqueuedAt = now) => weftJobBackoff({ attempts, enqueuedAt, error: null });
  const d1 = delay(1)!;
  const d3 = delay(3)!;
  assert.ok(d1 >= 24_000 && d1 <= 36_000, `first retry ~30s (${d1})`);
  assert.ok(d3 >= 96_000 && d3 <= 144_000, `third retry ~2min (${d3})`);
  assert.ok(delay(30)! <= 6 * 3600_000 * 1.2, "capped at about six hours");
  const almostThreeDaysAgo = new Date(Date.now() - 3 * 24 * 3600_000 + 1000);
  assert.equal(delay(20, almostThreeDaysAgo), null, "a retry past three days is not scheduled");
});

test("job registry: a kind has exactly one handler", () => {
  const jobs = createJobRegistry();
  jobs.register("deliver", () => {});
  assert.throws(() => jobs.register("deliver", () => {}), /already registered/);
  assert.deepEqual(jobs.kinds(), ["deliver"]);
});
