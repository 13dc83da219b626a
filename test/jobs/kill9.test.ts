import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { Redis } from "ioredis";
import { enqueueJob } from "../../src/jobs/outbox.ts";
import { BullMqMessageQueue } from "../../src/jobs/redis.ts";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";
import { waitFor } from "./wait.ts";

const script = path.join(import.meta.dirname, "fixtures", "queue-child.ts");
let t: TestDb;
const children: ChildProcess[] = [];
before(async () => {
  t = await createTestDb();
});
after(async () => {
  for (const c of children) if (c.exitCode == null && c.signalCode == null) c.kill("SIGKILL");
  await t.drop();
});

/** Starts the worker script and collects what it prints. */
function startWorker(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...t.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  const lines: string[] = [];
  let buffer = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  /** Waits until the process prints `line`; fails at once if it exits first. */
  const expectLine = (line: string) => {
    let gone = false;
    void exited.then(() => (gone = true));
    return waitFor(`"${line}" from the worker process`, () => {
      if (lines.includes(line)) return true;
      if (gone) throw new Error(`the worker process exited before printing "${line}"`);
      return false;
    }, 30_000);
  };
  return { child, lines, exited, expectLine };
}

test(`a weft job survives kill -9 of the worker process mid-handler (${testDialect()})`, { timeout: 60_000 }, async () => {
  await enqueueJob(t.db, { kind: "test.record", n: 7 });

  const first = startWorker(["weft", "hang"]);
  await first.expectLine("started 7");
  first.child.kill("SIGKILL");
  assert.equal((await first.exited).signal, "SIGKILL");
  const stillQueued = await t.db.selectFrom("jobs").select("payload").where("queue", "=", "weft").execute();
  assert.equal(stillQueued.length, 1, "the interrupted job is still in the table");

  const second = startWorker(["weft", "finish"]);
  await second.expectLine("done 7");
  await waitFor("the job to leave the table", async () =>
    (await t.db.selectFrom("jobs").select("id").where("queue", "=", "weft").execute()).length === 0);
  const done = await t.db.selectFrom("instance_settings").select("value").where("key", "=", "done-7").executeTakeFirst();
  assert.equal(done?.value, String(second.child.pid), "the second process did the work");

  second.child.kill("SIGTERM");
  assert.equal((await second.exited).code, 0, "a worker stops cleanly on SIGTERM");
});

const redisUrl = process.env.REDIS_URL;
test("a BullMQ job survives kill -9 of the worker process mid-handler", {
  timeout: 60_000,
  skip: redisUrl ? false : "REDIS_URL is not set: the Redis/BullMQ drivers are not exercised",
}, async () => {
  const prefix = `weft-test-${randomBytes(4).toString("hex")}`;
  const env = { QUEUE_NAME: "kill9", QUEUE_PREFIX: prefix };
  const redis = new Redis(redisUrl!, { maxRetriesPerRequest: null });
  const producer = new BullMqMessageQueue({ url: redisUrl!, redis, name: "kill9", prefix });
  try {
    const first = startWorker(["redis", "hang"], env);
    await first.expectLine("ready");
    await producer.enqueue({ n: 8 });
    await first.expectLine("started 8");
    first.child.kill("SIGKILL");
    await first.exited;

    const second = startWorker(["redis", "finish"], env);
    await second.expectLine("done 8");
    await waitFor("the queue to drain", async () => (await producer.getDepth()).queued === 0);
    second.child.kill("SIGTERM");
    assert.equal((await second.exited).code, 0);
  } finally {
    await producer.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
});
