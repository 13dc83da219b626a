import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startInstance, type WeftInstance } from "../helpers/instance.ts";
import { testDialect } from "../helpers/db.ts";

/*
 * SIGTERM while posts are arriving: requests already accepted finish, the process exits on its
 * own within the stop timeout, and every post that was answered with 200 is there after restart.
 */

let weft: WeftInstance;
before(async () => {
  weft = await startInstance();
  await weft.createAccount("gail");
});
after(() => weft?.destroy());

test(`SIGTERM finishes accepted requests and loses no answered post (${testDialect()})`, async () => {
  const token = await weft.token("gail");
  const posting = Array.from({ length: 30 }, (_, i) =>
    weft
      .fetch("/api/v1/statuses", {
        method: "POST",
        token,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ status: `post number ${i}` }),
      })
      .then(async (res) => ({ status: res.status, body: res.ok ? ((await res.json()) as { id: string }) : null }))
      .catch(() => ({ status: 0, body: null })),
  );
  await new Promise((r) => setTimeout(r, 20));
  // stop() sends SIGTERM and fails the test if the server does not exit by itself within 15 s.
  await weft.stop();
  const results = await Promise.all(posting);
  const answered = results.filter((r) => r.status === 200).map((r) => r.body!.id);
  assert.ok(results.every((r) => r.status === 200 || r.status === 0), `no request failed half-way: ${results.map((r) => r.status).join(",")}`);
  assert.ok(answered.length > 0, "some posts were accepted before the shutdown");

  await weft.start();
  for (const id of answered) {
    const res = await weft.fetch(`/api/v1/statuses/${id}`, { token });
    assert.equal(res.status, 200, `post ${id} survived the shutdown`);
    await res.body?.cancel();
  }
});
