import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { openDatabase, type DbHandle } from "../../src/db/index.ts";
import { DbMessageQueue, type DbMessageQueueOptions } from "../../src/jobs/db-mq.ts";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";
import { ms } from "./duration.ts";
import { waitFor } from "./wait.ts";

const dialect = testDialect();
let t: TestDb;
const handles: DbHandle[] = [];
before(async () => {
  t = await createTestDb();
});
beforeEach(async () => {
  await t.db.deleteFrom("jobs").execute();
});
after(async () => {
  for (const h of handles) await h.close();
  await t.drop();
});

/** A queue on its own connection to the test database, as another process would have. */
function queueOnNewConnection(options: DbMessageQueueOptions = {}): DbMessageQueue {
  const url = t.env.DATABASE_URL;
  const h = url.startsWith("sqlite:")
    ? openDatabase({ databaseUrl: null, sqlitePath: url.slice("sqlite:".length) })
    : openDatabase({ databaseUrl: url, sqlitePath: "" });
  handles.push(h);
  return new DbMessageQueue(h, { pollIntervalMs: 100, ...options });
}

const remaining = async () => Number((await t.db.selectFrom("jobs").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

test(`database queue (${dialect}): two listeners deliver every message exactly once`, async () => {
  const producer = new DbMessageQueue(t);
  const seen = new Map<number, number>();
  const handler = async (m: { n: number }) => {
    seen.set(m.n, (seen.get(m.n) ?? 0) + 1);
    await sleep(Math.random() * 10);
  };
  const abort = new AbortController();
  const listeners = [
    queueOnNewConnection({ concurrency: 3 }).listen(handler, { signal: abort.signal }),
    queueOnNewConnection({ concurrency: 3 }).listen(handler, { signal: abort.signal }),
  ];
  await producer.enqueueMany(Array.from({ length: 20 }, (_, n) => ({ n })));
  for (let n = 20; n < 40; n++) await producer.enqueue({ n });
  await waitFor("all 40 messages", () => seen.size === 40);
  await sleep(200);
  abort.abort();
  await Promise.all(listeners);
  assert.deepEqual([...seen.values()].filter((c) => c !== 1), [], "no message was handled twice");
  assert.equal(await remaining(), 0, "handled messages leave the table");
});

test(`database queue (${dialect}): a delayed message waits for its delay`, async () => {
  const queue = queueOnNewConnection();
  const got: Array<{ name: string; at: number }> = [];
  const abort = new AbortController();
  const listening = queue.listen((m: { name: string }) => void got.push({ name: m.name, at: Date.now() }), { signal: abort.signal });
  const start = Date.now();
  await new DbMessageQueue(t).enqueue({ name: "later" }, { delay: ms(600) });
  await new DbMessageQueue(t).enqueue({ name: "now" });
  await waitFor("both messages", () => got.length === 2);
  abort.abort();
  await listening;
  assert.deepEqual(got.map((g) => g.name), ["now", "later"]);
  assert.ok(got[1].at - start >= 590, `delayed message ran after ${got[1].at - start}ms`);
  assert.ok(got[1].at - start < 2000, "and not much later than due");
});

test(`database queue (${dialect}): messages sharing an ordering key run one at a time, in order`, async () => {
  const producer = new DbMessageQueue(t);
  const order: Record<string, number[]> = { a: [], b: [] };
  const inFlight: Record<string, number> = { a: 0, b: 0 };
  let overlap = false;
  let maxParallel = 0;
  let parallel = 0;
  const handler = async (m: { key: string; n: number }) => {
    inFlight[m.key]++;
    parallel++;
    maxParallel = Math.max(maxParallel, parallel);
    if (inFlight[m.key] > 1) overlap = true;
    await sleep(5 + Math.random() * 15);
    order[m.key].push(m.n);
    inFlight[m.key]--;
    parallel--;
  };
  const abort = new AbortController();
  const listeners = [
    queueOnNewConnection({ concurrency: 4 }).listen(handler, { signal: abort.signal }),
    queueOnNewConnection({ concurrency: 4 }).listen(handler, { signal: abort.signal }),
  ];
  for (let n = 0; n < 6; n++) {
    await producer.enqueue({ key: "a", n }, { orderingKey: "a" });
    await producer.enqueue({ key: "b", n }, { orderingKey: "b" });
  }
  await waitFor("both keys drained", () => order.a.length === 6 && order.b.length === 6);
  abort.abort();
  await Promise.all(listeners);
  assert.equal(overlap, false, "two messages with the same key never ran at once");
  assert.deepEqual(order.a, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(order.b, [0, 1, 2, 3, 4, 5]);
  assert.ok(maxParallel >= 2, "different keys still ran in parallel");
});

test(`database queue (${dialect}): a handler that throws does not lose its message`, async () => {
  const queue = queueOnNewConnection({ retry: () => 50 });
  let calls = 0;
  const delivered: string[] = [];
  const abort = new AbortController();
  const listening = queue.listen((m: { text: string }) => {
    calls++;
    if (calls <= 2) throw new Error("remote is down");
    delivered.push(m.text);
  }, { signal: abort.signal });
  await queue.enqueue({ text: "hello" });
  await waitFor("delivery after two failures", () => delivered.length === 1);
  abort.abort();
  await listening;
  assert.equal(calls, 3);
  assert.equal(await remaining(), 0);
});

test(`database queue (${dialect}): a retry policy that gives up drops the message and keeps listening`, async () => {
  const queue = queueOnNewConnection({ retry: ({ attempts }) => (attempts < 2 ? 20 : null) });
  let failures = 0;
  const ok: string[] = [];
  const abort = new AbortController();
  const listening = queue.listen((m: { text: string }) => {
    if (m.text === "poison") {
      failures++;
      throw new Error("always fails");
    }
    ok.push(m.text);
  }, { signal: abort.signal });
  await queue.enqueue({ text: "poison" });
  await waitFor("two failures", () => failures === 2);
  await queue.enqueue({ text: "fine" });
  await waitFor("the next message", () => ok.length === 1);
  abort.abort();
  await listening;
  assert.equal(failures, 2);
  assert.equal(await remaining(), 0);
});

test(`database queue (${dialect}): a job whose worker died is taken again once its lease runs out`, async () => {
  await new DbMessageQueue(t).enqueue({ text: "orphan" });
  // Exactly what a worker that claimed the job and then died leaves behind.
  const leaseEnd = Date.now() + 700;
  await t.db.updateTable("jobs").set({ locked_until: new Date(leaseEnd).toISOString() }).execute();

  const got: number[] = [];
  const abort = new AbortController();
  const listening = queueOnNewConnection().listen(() => void got.push(Date.now()), { signal: abort.signal });
  await waitFor("the orphaned job", () => got.length === 1);
  abort.abort();
  await listening;
  assert.ok(got[0] >= leaseEnd, "not before the lease ran out");
  assert.equal(await remaining(), 0);
});

test(`database queue (${dialect}): a handler running longer than the lease keeps its claim`, async () => {
  let runs = 0;
  const handler = async () => {
    runs++;
    await sleep(900);
  };
  const abort = new AbortController();
  const listeners = [
    queueOnNewConnection({ leaseMs: 200 }).listen(handler, { signal: abort.signal }),
    queueOnNewConnection({ leaseMs: 200 }).listen(handler, { signal: abort.signal }),
  ];
  await new DbMessageQueue(t).enqueue({ slow: true });
  await waitFor("the job to finish", async () => runs === 1 && (await remaining()) === 0, 5000);
  await sleep(300);
  abort.abort();
  await Promise.all(listeners);
  assert.equal(runs, 1, "the heartbeat kept the other listener off it");
});

test(`database queue (${dialect}): listen() returns on abort only after in-flight handlers finish`, async () => {
  const queue = queueOnNewConnection({ concurrency: 1 });
  const events: string[] = [];
  const abort = new AbortController();
  const listening = queue.listen(async (m: { n: number }) => {
    events.push(`start ${m.n}`);
    await sleep(300);
    events.push(`end ${m.n}`);
  }, { signal: abort.signal });
  await queue.enqueue({ n: 1 });
  await waitFor("the first job to start", () => events.length === 1);
  await queue.enqueue({ n: 2 });
  abort.abort();
  await listening;
  events.push("listen returned");
  assert.deepEqual(events, ["start 1", "end 1", "listen returned"]);
  const left = await t.db.selectFrom("jobs").select("payload").execute();
  assert.deepEqual(left.map((r) => JSON.parse(r.payload)), [{ n: 2 }], "the unstarted job stays queued");
});

test(`database queue (${dialect}): depth counts ready and delayed messages, not running ones`, async () => {
  const queue = new DbMessageQueue(t, { queue: "depth-test" });
  await queue.enqueue({ a: 1 });
  await queue.enqueue({ a: 2 });
  await queue.enqueue({ a: 3 }, { delay: ms(60_000) });
  await new DbMessageQueue(t, { queue: "other" }).enqueue({ elsewhere: true });
  assert.deepEqual(await queue.getDepth(), { queued: 3, ready: 2, delayed: 1 });
  await t.db.updateTable("jobs").set({ locked_until: new Date(Date.now() + 60_000).toISOString() })
    .where("payload", "=", JSON.stringify({ a: 1 })).execute();
  assert.deepEqual(await queue.getDepth(), { queued: 2, ready: 1, delayed: 1 });
});

test(`database queue (${dialect}): an idle listener wakes on a new message without waiting for its poll`, async () => {
  const queue = queueOnNewConnection({ pollIntervalMs: 60_000 });
  const got: number[] = [];
  const abort = new AbortController();
  const listening = queue.listen(() => void got.push(Date.now()), { signal: abort.signal });
  await sleep(400);
  const sent = Date.now();
  if (dialect === "postgres") {
    // As another process would: a committed row and a NOTIFY, nothing shared in memory.
    const { default: pg } = await import("pg");
    const other = new pg.Client({ connectionString: t.env.DATABASE_URL });
    await other.connect();
    const now = new Date().toISOString();
    await other.query(
      "INSERT INTO jobs (queue, payload, run_at, attempts, created_at) VALUES ('fedify', '{}', $1, 0, $1)",
      [now],
    );
    await other.query("SELECT pg_notify('weft_jobs', 'fedify')");
    await other.end();
  } else {
    await new DbMessageQueue(t).enqueue({});
  }
  await waitFor("the message", () => got.length === 1, 5000);
  abort.abort();
  await listening;
  assert.ok(got[0] - sent < 1500, `woke after ${got[0] - sent}ms`);
});
