import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createTestDb, testDialect, type TestDb } from "../helpers/db.ts";
import { caller, makeUser, type TestUser } from "./posting-support.ts";
import { isEvent, payloadOf, SocketClient, startStreamingServer, type StreamingServer } from "./streaming-support.ts";

/*
 * Scale mode: two processes of one instance (same database, same Redis, same public URL), one
 * holding the sockets and one doing the work. Events reach the sockets only through Redis.
 */

const skip = process.env.REDIS_URL ? false : "REDIS_URL is not set";

let db: TestDb;
let web: StreamingServer;
let worker: StreamingServer;
let alice: TestUser;
let bob: TestUser;
const sockets: SocketClient[] = [];

before(async () => {
  if (skip) return;
  db = await createTestDb();
  // The web process serves sockets and runs no queue; the worker process takes the posts and
  // runs the fan-out. Same public URL: they are one instance.
  web = await startStreamingServer({ db });
  worker = await startStreamingServer({ db, publicUrl: web.url, worker: true });
  alice = await makeUser(worker, "alice");
  bob = await makeUser(worker, "bob");
  assert.equal((await bob.call("POST", `/api/v1/accounts/${alice.account.id}/follow`)).status, 200);
});

after(async () => {
  if (skip) return;
  for (const s of sockets) s.close();
  await web.close();
  await worker.close();
  await db.drop();
});

async function socketOnWeb(user: TestUser, query: string): Promise<SocketClient> {
  const s = await SocketClient.open(`${web.wsUrl}/api/v1/streaming${query}`, { protocols: [user.token] });
  sockets.push(s);
  return s;
}

test(`a post made through one process reaches sockets held by another (${testDialect()})`, { skip }, async () => {
  const local = await socketOnWeb(bob, "?stream=public:local");
  const home = await socketOnWeb(bob, "?stream=user");
  const res = await caller(worker, alice.token)("POST", "/api/v1/statuses", { status: "across processes" });
  assert.equal(res.status, 200);
  const { id } = (await res.json()) as { id: string };
  assert.equal(payloadOf(await local.next(isEvent("update", ["public:local"]), "the public update via Redis")).id, id);
  // Fan-out ran in the worker process: the home.inserted event crossed over too.
  assert.equal(payloadOf(await home.next(isEvent("update", ["user"]), "the home update via Redis", 3000)).id, id);
});

test("a notification created by one process reaches the other", { skip }, async () => {
  const s = await socketOnWeb(alice, "?stream=user:notification");
  const res = await caller(worker, alice.token)("POST", "/api/v1/statuses", { status: "fav me across" });
  const { id } = (await res.json()) as { id: string };
  assert.equal((await caller(worker, bob.token)("POST", `/api/v1/statuses/${id}/favourite`)).status, 200);
  const n = payloadOf<{ type: string; status: { id: string } }>(await s.next(isEvent("notification"), "the notification via Redis"));
  assert.equal(n.type, "favourite");
  assert.equal(n.status.id, id);
});

test("keeps one Redis subscription per process, however many sockets it holds", { skip }, async () => {
  const extra = await Promise.all([1, 2, 3].map(() => socketOnWeb(bob, "?stream=public")));
  assert.equal(extra.length, 3);
  const { Redis } = await import("ioredis");
  const probe = new Redis(process.env.REDIS_URL!);
  try {
    const channels = (await probe.pubsub("CHANNELS", "weft:*:events")) as string[];
    const ours = channels.filter((c) => c.startsWith(`weft:${new URL(web.url).host}:`));
    assert.equal(ours.length, 1, `one channel for the instance: ${channels.join(", ")}`);
    const [[, subscribers]] = [(await probe.pubsub("NUMSUB", ours[0])) as [string, number]].map((r) => [r[0], Number(r[1])]);
    assert.equal(subscribers, 1, "only the web process listens: the worker holds no sockets");
  } finally {
    probe.disconnect();
  }
});
