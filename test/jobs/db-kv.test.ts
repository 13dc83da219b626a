import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { openDatabase, type DbHandle } from "../../src/db/index.ts";
import { DbKvStore } from "../../src/jobs/db-kv.ts";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";
import { ms } from "./duration.ts";
import { kvContract } from "./kv-contract.ts";

let t: TestDb;
const extra: DbHandle[] = [];
before(async () => {
  t = await createTestDb();
});
after(async () => {
  for (const h of extra) await h.close();
  await t.drop();
});

/** Another connection (pool, or SQLite file handle) to the same test database. */
function reopen(): DbHandle {
  const url = t.env.DATABASE_URL;
  const h = url.startsWith("sqlite:")
    ? openDatabase({ databaseUrl: null, sqlitePath: url.slice("sqlite:".length) })
    : openDatabase({ databaseUrl: url, sqlitePath: "" });
  extra.push(h);
  return h;
}

kvContract(`database kv (${testDialect()})`, async () => {
  await t.db.deleteFrom("kv").execute();
  return { store: new DbKvStore(t), open: async () => new DbKvStore(reopen()) };
});

test(`database kv (${testDialect()}): reading an expired key deletes its row`, async () => {
  const store = new DbKvStore(t);
  await store.set(["sweep", "me"], 1, { ttl: ms(30) });
  await sleep(80);
  assert.equal(await store.get(["sweep", "me"]), undefined);
  const rows = await t.db.selectFrom("kv").select("key").where("key", "=", '["sweep","me"]').execute();
  assert.deepEqual(rows, []);
});
