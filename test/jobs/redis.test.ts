import { after, test as nodeTest } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { BullMqMessageQueue, RedisKvStore, type BullMqQueueOptions } from "../../src/jobs/redis.ts";
import { ms } from "./duration.ts";
import { kvContract } from "./kv-contract.ts";
import { waitFor } from "./wait.ts";

const url = process.env.REDIS_URL;
const skip = url ? false : "REDIS_URL is not set: the Redis/BullMQ drivers are not exercised";
const test = (title: string, fn: () => Promise<void>) => nodeTest(title, { skip }, fn);

// Every run works under its own key prefix and removes it afterwards.
const prefix = `weft-test-${randomBytes(4).toString("hex")}`;
const clients: Redis[] = [];
const queues: BullMqMessageQueue[] = [];
function client(): Redis {
  const r = new Redis(url!, { maxRetriesPerRequest: null });
  clients.push(r);
  return r;
}
after(async () => {
  if (!url) return;
  for (const q of queues) await q.close();
  const r = client();
  let cursor = "0";
  do {
    const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await r.del(...keys);
  } while (cursor !== "0");
  for (const c of clients) await c.quit();
});

let kvRun = 0;
kvContract("redis kv", async () => {
  const kvPrefix = `${prefix}:kv${kvRun++}:`;
  return {
    store: new RedisKvStore(client(), { prefix: kvPrefix }),
    open: async () => new RedisKvStore(client(), { prefix: kvPrefix }),
  };
}, { skip });

let queueRun = 0;
/** A fresh queue name per test; `more` gives further queues (other "processes") on the same one. */
function freshQueue(options: Partial<BullMqQueueOptions> = {}) {
  const name = `q${queueRun++}`;
  const make = (extra: Partial<BullMqQueueOptions> = {}) => {
    const q = new BullMqMessageQueue({ url: url!, redis: client(), name, prefix: `${prefix}:bull`, ...options, ...extra });
    queues.push(q);
    return q;
  };
  return { queue: make(), more: make };
}

test("bullmq queue: two listeners deliver every message exactly once", async () => {
  const { queue, more } = freshQueue({ concurrency: 3 });
  const seen = new Map<number, number>();
  const handler = async (m: { n: number }) => {
    seen.set(m.n, (seen.get(m.n) ?? 0) + 1);
    await sleep(Math.random() * 10);
  };
  const abort = new AbortController();
  const listeners = [queue.listen(handler, { signal: abort.signal }), more().listen(handler, { signal: abort.signal })];
  await queue.enqueueMany(Array.from({ length: 20 }, (_, n) => ({ n })));
  for (let n = 20; n < 40; n++) await queue.enqueue({ n });
  await waitFor("all 40 messages", () => seen.size === 40);
  await sleep(200);
  abort.abort();
  await Promise.all(listeners);
  assert.deepEqual([...seen.values()].filter((c) => c !== 1), []);
  assert.deepEqual(await queue.getDepth(), { queued: 0, ready: 0, delayed: 0 });
});

test("bullmq queue: a delayed message waits for its delay", async () => {
  const { queue } = freshQueue();
  const got: Array<{ name: string; at: number }> = [];
  const abort = new AbortController();
  const listening = queue.listen((m: { name: string }) => void got.push({ name: m.name, at: Date.now() }), { signal: abort.signal });
  const start = Date.now();
  await queue.enqueue({ name: "later" }, { delay: ms(600) });
  await queue.enqueue({ name: "now" });
  await waitFor("both messages", () => got.length === 2);
  abort.abort();
  await listening;
  assert.deepEqual(got.map((g) => g.name), ["now", "later"]);
  assert.ok(got[1].at - start >= 590);
});

test("bullmq queue: messages sharing an ordering key run one at a time, in order", async () => {
  const { queue, more } = freshQueue({ concurrency: 4, orderingRecheckMs: 30 });
  const order: Record<string, number[]> = { a: [], b: [] };
  const inFlight: Record<string, number> = { a: 0, b: 0 };
  let overlap = false;
  const handler = async (m: { key: string; n: number }) => {
    if (++inFlight[m.key] > 1) overlap = true;
    await sleep(5 + Math.random() * 15);
    order[m.key].push(m.n);
    inFlight[m.key]--;
  };
  const abort = new AbortController();
  const listeners = [queue.listen(handler, { signal: abort.signal }), more().listen(handler, { signal: abort.signal })];
  for (let n = 0; n < 6; n++) {
    await queue.enqueue({ key: "a", n }, { orderingKey: "a" });
    await queue.enqueue({ key: "b", n }, { orderingKey: "b" });
  }
  await waitFor("both keys drained", () => order.a.length === 6 && order.b.length === 6, 15_000);
  abort.abort();
  await Promise.all(listeners);
  assert.equal(overlap, false);
  assert.deepEqual(order.a, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(order.b, [0, 1, 2, 3, 4, 5]);
});

test("bullmq queue: a handler that throws does not lose its message", async () => {
  const { queue } = freshQueue({ retry: () => 50 });
  let calls = 0;
  const delivered: string[] = [];
  const abort = new AbortController();
  const listening = queue.listen((m: { text: string }) => {
    if (++calls <= 2) throw new Error("remote is down");
    delivered.push(m.text);
  }, { signal: abort.signal });
  await queue.enqueue({ text: "hello" });
  await waitFor("delivery after two failures", () => delivered.length === 1);
  abort.abort();
  await listening;
  assert.equal(calls, 3);
});

test("bullmq queue: listen() returns on abort only after in-flight handlers finish", async () => {
  const { queue } = freshQueue({ concurrency: 1 });
  const events: string[] = [];
  const abort = new AbortController();
  const listening = queue.listen(async (m: { n: number }) => {
    events.push(`start ${m.n}`);
    await sleep(300);
    events.push(`end ${m.n}`);
  }, { signal: abort.signal });
  await queue.enqueue({ n: 1 });
  await waitFor("the first job to start", () => events.length === 1);
  abort.abort();
  await listening;
  events.push("listen returned");
  assert.deepEqual(events, ["start 1", "end 1", "listen returned"]);
});

test("bullmq queue: depth counts ready and delayed messages", async () => {
  const { queue } = freshQueue();
  await queue.enqueue({ a: 1 });
  await queue.enqueue({ a: 2 });
  await queue.enqueue({ a: 3 }, { delay: ms(60_000) });
  assert.deepEqual(await queue.getDepth(), { queued: 3, ready: 2, delayed: 1 });
});
