import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestDb, testDialect } from "../helpers/db.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { newId, nowIso } from "../../src/domain/ids.ts";

test(`migrations apply once and the schema round-trips a row (${testDialect()})`, async () => {
  const t = await createTestDb();
  try {
    assert.deepEqual(await migrateToLatest(t.db), [], "a second run applies nothing");
    const id = newId();
    const now = nowIso();
    await t.db
      .insertInto("accounts")
      .values({
        id, username: "Alice", domain: null, uri: "https://example.test/users/alice", url: null,
        inbox_url: null, shared_inbox_url: null, outbox_url: null, followers_url: null, following_url: null,
        featured_url: null, actor_type: "Person", display_name: "Alice", note: "", avatar_url: null,
        header_url: null, fields: "[]", emojis: "[]", locked: 0, bot: 0, discoverable: 1, indexable: 1,
        federating: 1, public_key_pem: null, public_key_id: null, followers_count: 0, following_count: 0,
        statuses_count: 0, last_status_at: null, created_at: now, updated_at: now, fetched_at: null, deleted_at: null,
      })
      .execute();
    const row = await t.db.selectFrom("accounts").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    assert.equal(row.username, "Alice");
    assert.equal(row.locked, 0);
    assert.equal(row.created_at, now);
    await assert.rejects(
      t.db.insertInto("accounts").values({ ...row, id: newId(), uri: "https://example.test/other", username: "alice" }).execute(),
      "handles are unique regardless of case",
    );
  } finally {
    await t.drop();
  }
});

test("ids sort by time as strings", () => {
  const a = newId(new Date("2020-01-01"));
  const b = newId(new Date("2026-01-01"));
  const c = newId(new Date("2026-01-01"));
  assert.equal(a.length, 18);
  assert.ok(a < b && b < c);
});
