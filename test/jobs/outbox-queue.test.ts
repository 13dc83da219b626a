import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import { loadConfig } from "../../src/config.ts";
import { createQueueBackends } from "../../src/jobs/index.ts";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";

const log = pino({ level: "silent" });
let t: TestDb;
before(async () => {
  t = await createTestDb();
});
after(async () => {
  await t.drop();
});

test(`in database mode deliveries wait on slow servers many at a time, apart from inbox work (${testDialect()})`, async () => {
  const config = loadConfig({ ...t.env, WEFT_URL: "https://one.test" });
  const backends = await createQueueBackends(t, config, log);
  const out = backends.fedifyOutboxQueue;
  assert.ok(out, "deliveries have a queue of their own");
  assert.notEqual(out, backends.fedifyQueue);
  const abort = new AbortController();
  let done = 0;
  // Thirty deliveries to servers that take 300 ms each: one at a time that is 9 s.
  const started = Date.now();
  const listening = out.listen(
    async () => {
      await new Promise((r) => setTimeout(r, 300));
      done++;
    },
    { signal: abort.signal },
  );
  for (let i = 0; i < 30; i++) await out.enqueue({ delivery: i });
  while (done < 30 && Date.now() - started < 8000) await new Promise((r) => setTimeout(r, 20));
  abort.abort();
  await listening;
  assert.equal(done, 30);
  assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);
  assert.equal((await backends.fedifyQueue.getDepth!()).queued, 0, "inbox work is not mixed in");
  await backends.close();
});
