import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import { loadConfig } from "../../src/config.ts";
import { DbKvStore } from "../../src/jobs/db-kv.ts";
import { DbMessageQueue } from "../../src/jobs/db-mq.ts";
import { createQueueBackends } from "../../src/jobs/index.ts";
import { BullMqMessageQueue, RedisKvStore } from "../../src/jobs/redis.ts";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";

const log = pino({ level: "silent" });
let t: TestDb;
before(async () => {
  t = await createTestDb();
});
after(async () => {
  await t.drop();
});

test(`without REDIS_URL Fedify's store and queue live in the database (${testDialect()})`, async () => {
  const config = loadConfig({ ...t.env, WEFT_URL: "https://one.test" });
  const backends = await createQueueBackends(t, config, log);
  assert.ok(backends.kv instanceof DbKvStore);
  assert.ok(backends.fedifyQueue instanceof DbMessageQueue);
  assert.equal(backends.fedifyQueue.nativeRetrial, false, "Fedify keeps its own retry policy");
  await backends.kv.set(["k"], "v");
  assert.equal(await new DbKvStore(t).get(["k"]), "v");
  await backends.close();
});

const redisUrl = process.env.REDIS_URL;
test("with REDIS_URL they live in Redis, namespaced per instance", {
  skip: redisUrl ? false : "REDIS_URL is not set: the Redis/BullMQ drivers are not exercised",
}, async () => {
  const one = await createQueueBackends(t, loadConfig({ ...t.env, REDIS_URL: redisUrl, WEFT_URL: "https://one.test" }), log);
  const two = await createQueueBackends(t, loadConfig({ ...t.env, REDIS_URL: redisUrl, WEFT_URL: "https://two.test" }), log);
  try {
    assert.ok(one.kv instanceof RedisKvStore);
    assert.ok(one.fedifyQueue instanceof BullMqMessageQueue);
    assert.equal(one.fedifyQueue.nativeRetrial, false);
    await one.kv.set(["shared-key"], "one's");
    assert.equal(await two.kv.get(["shared-key"]), undefined, "another instance on the same Redis does not see it");
    await one.fedifyQueue.enqueue({ for: "one" });
    assert.equal((await two.fedifyQueue.getDepth!()).queued, 0, "nor its queue");
    assert.equal((await one.fedifyQueue.getDepth!()).queued, 1);
  } finally {
    // Leave nothing behind for the next run.
    await one.kv.delete(["shared-key"]);
    const { Redis } = await import("ioredis");
    const r = new Redis(redisUrl!);
    for (const host of ["one.test", "two.test"]) {
      const keys = await r.keys(`weft:${host}:*`);
      if (keys.length) await r.del(...keys);
    }
    await r.quit();
    await one.close();
    await two.close();
  }
});
