import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRestAPIClient } from "masto";
import { startInstance, type WeftInstance } from "../helpers/instance.ts";
import { testDialect } from "../helpers/db.ts";
import { eventually } from "../helpers/wait.ts";

// Reads best with what is awaited first.
const until = <T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 30_000) => eventually(probe, what, ms);

describe(`a delivery accepted before a crash is still delivered (${testDialect()})`, { timeout: 300_000 }, () => {
  let a: WeftInstance;
  let b: WeftInstance;

  before(async () => {
    [a, b] = await Promise.all([startInstance(), startInstance()]);
    await Promise.all([a.createAccount("alice"), b.createAccount("bob")]);
  });
  after(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  test("post while the follower's server is down, kill -9 the author's server, restart both: the post arrives", async () => {
    const alice = createRestAPIClient({ url: a.origin, accessToken: await a.token("alice") });
    const bob = createRestAPIClient({ url: b.origin, accessToken: await b.token("bob") });
    const found = await bob.v2.search.list({ q: a.handle("alice"), resolve: true, type: "accounts" });
    await bob.v1.accounts.$select(found.accounts[0].id).follow();
    await until("the follow to be accepted", async () => (await bob.v1.accounts.relationships.fetch({ id: [found.accounts[0].id] }))[0].following, 30_000);

    await b.stop();
    const post = await alice.v1.statuses.create({ status: "written while bob's server was down" });
    // Let the first delivery attempt fail against the dead server, then crash without any shutdown.
    await new Promise((r) => setTimeout(r, 1500));
    await a.kill9();

    await b.restart();
    await a.restart();
    const bobAgain = createRestAPIClient({ url: b.origin, accessToken: await b.token("bob") });
    const arrived = await until("the post on bob's server after the restarts", async () => (await bobAgain.v1.timelines.home.list()).find((s) => s.uri === post.uri),
      150_000,
    );
    assert.match(arrived.content, /written while bob/);
  });
});
