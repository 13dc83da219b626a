import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRestAPIClient, type mastodon } from "masto";
import { startInstance, type WeftInstance } from "../helpers/instance.ts";
import { testDialect } from "../helpers/db.ts";
import { eventually } from "../helpers/wait.ts";

// Reads best with what is awaited first.
const until = <T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 20_000) => eventually(probe, what, ms);

/*
 * Two Weft servers on their own loopback addresses, over HTTPS with certificates from a throwaway
 * CA, each driven through its Mastodon API by the npm `masto` client, as people's apps would.
 * Handles resolve through WebFinger exactly as @alice@mastodon.social does.
 */

describe(`two Weft instances federate over HTTPS (${testDialect()})`, { timeout: 240_000 }, () => {
  let a: WeftInstance;
  let b: WeftInstance;
  let alice: mastodon.rest.Client;
  let carol: mastodon.rest.Client;
  let bob: mastodon.rest.Client;
  let aliceOnB: mastodon.v1.Account;

  before(async () => {
    [a, b] = await Promise.all([startInstance(), startInstance()]);
    await Promise.all([a.createAccount("alice"), a.createAccount("carol"), b.createAccount("bob")]);
    alice = createRestAPIClient({ url: a.origin, accessToken: await a.token("alice") });
    carol = createRestAPIClient({ url: a.origin, accessToken: await a.token("carol") });
    bob = createRestAPIClient({ url: b.origin, accessToken: await b.token("bob") });
  });
  after(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  test("bob finds @alice by handle and follows her; the Accept comes back", async () => {
    const found = await bob.v2.search.list({ q: a.handle("alice"), resolve: true, type: "accounts" });
    assert.equal(found.accounts.length, 1);
    aliceOnB = found.accounts[0];
    assert.equal(aliceOnB.acct, `alice@${a.domain}`);
    await bob.v1.accounts.$select(aliceOnB.id).follow();
    await until("bob to be following alice", async () => {
      const [rel] = await bob.v1.accounts.relationships.fetch({ id: [aliceOnB.id] });
      return rel.following;
    });
    const me = await alice.v1.accounts.verifyCredentials();
    await until("alice to count bob as a follower", async () => (await alice.v1.accounts.$select(me.id).fetch()).followersCount === 1);
    const notes = await alice.v1.notifications.list();
    assert.ok(notes.some((n) => n.type === "follow" && n.account.acct === `bob@${b.domain}`));
  });

  test("alice's post reaches bob's home; his reply, like and boost reach her, in the thread and as notifications", async () => {
    const post = await alice.v1.statuses.create({ status: "Hello from A! #weft" });
    const onB = await until("the post in bob's home timeline", async () =>
      (await bob.v1.timelines.home.list()).find((s) => s.uri === post.uri),
    );
    assert.match(onB.content, /Hello from A!/);
    assert.equal(onB.account.acct, `alice@${a.domain}`);

    const reply = await bob.v1.statuses.create({ status: `@alice@${a.domain} hi back`, inReplyToId: onB.id });
    await until("the reply in alice's thread", async () => {
      const ctx = await alice.v1.statuses.$select(post.id).context.fetch();
      return ctx.descendants.find((d) => d.uri === reply.uri);
    });
    await until("a mention notification", async () =>
      (await alice.v1.notifications.list()).find((n) => n.type === "mention" && n.status?.uri === reply.uri),
    );

    await bob.v1.statuses.$select(onB.id).favourite();
    await bob.v1.statuses.$select(onB.id).reblog();
    await until("like and boost counted on A", async () => {
      const s = await alice.v1.statuses.$select(post.id).fetch();
      return s.favouritesCount === 1 && s.reblogsCount === 1;
    });
    const types = (await alice.v1.notifications.list()).map((n) => n.type);
    assert.ok(types.includes("favourite") && types.includes("reblog"), `got ${types.join(",")}`);

    await bob.v1.statuses.$select(onB.id).unfavourite();
    await bob.v1.statuses.$select(onB.id).unreblog();
    await until("the undos counted on A", async () => {
      const s = await alice.v1.statuses.$select(post.id).fetch();
      return s.favouritesCount === 0 && s.reblogsCount === 0;
    });
  });

  test("an edit and a delete by alice reach bob", async () => {
    const post = await alice.v1.statuses.create({ status: "first draft" });
    const onB = await until("the post on B", async () => (await bob.v1.timelines.home.list()).find((s) => s.uri === post.uri));
    await alice.v1.statuses.$select(post.id).update({ status: "second draft" });
    await until("the edit on B", async () => {
      const s = await bob.v1.statuses.$select(onB.id).fetch();
      return /second draft/.test(s.content) && s.editedAt;
    });
    await alice.v1.statuses.$select(post.id).remove();
    await until("the post gone from B", async () => {
      const res = await b.fetch(`/api/v1/statuses/${onB.id}`);
      return res.status === 404;
    });
    assert.ok(!(await bob.v1.timelines.home.list()).some((s) => s.uri === post.uri));
  });

  test("bob votes in alice's poll; the count reaches A and the new totals come back to B", async () => {
    const post = await alice.v1.statuses.create({ status: "Tea or coffee?", poll: { options: ["Tea", "Coffee"], expiresIn: 3600 } });
    const onB = await until("the poll on B", async () => (await bob.v1.timelines.home.list()).find((s) => s.uri === post.uri));
    assert.ok(onB.poll);
    await bob.v1.polls.$select(onB.poll.id).votes.create({ choices: [1] });
    await until("the vote counted on A", async () => {
      const p = await alice.v1.polls.$select(post.poll!.id).fetch();
      return p.votesCount === 1 && p.options[1].votesCount === 1;
    });
    await until("A's totals back on B", async () => {
      const s = await bob.v1.statuses.$select(onB.id).fetch();
      return s.poll?.votesCount === 1 && s.poll.voted && s.poll.ownVotes?.[0] === 1;
    });
  });

  test("a locked account gets a follow request it can approve", async () => {
    await carol.v1.accounts.updateCredentials({ locked: true });
    const found = await bob.v2.search.list({ q: a.handle("carol"), resolve: true, type: "accounts" });
    const carolOnB = found.accounts[0];
    assert.ok(carolOnB);
    await bob.v1.accounts.$select(carolOnB.id).follow();
    const request = await until("the follow request on A", async () => (await carol.v1.followRequests.list())[0]);
    assert.equal(request.acct, `bob@${b.domain}`);
    const [pending] = await bob.v1.accounts.relationships.fetch({ id: [carolOnB.id] });
    assert.equal(pending.requested, true);
    assert.equal(pending.following, false);
    await carol.v1.followRequests.$select(request.id).authorize();
    await until("bob following carol", async () => {
      const [rel] = await bob.v1.accounts.relationships.fetch({ id: [carolOnB.id] });
      return rel.following && !rel.requested;
    });
  });

  test("alice can follow bob back and sees his posts; unfollowing stops them", async () => {
    const found = await alice.v2.search.list({ q: b.handle("bob"), resolve: true, type: "accounts" });
    const bobOnA = found.accounts[0];
    await alice.v1.accounts.$select(bobOnA.id).follow();
    await until("alice following bob", async () => (await alice.v1.accounts.relationships.fetch({ id: [bobOnA.id] }))[0].following);
    const post = await bob.v1.statuses.create({ status: "from B with love" });
    await until("bob's post in alice's home", async () => (await alice.v1.timelines.home.list()).find((s) => s.uri === post.uri));
    await alice.v1.accounts.$select(bobOnA.id).unfollow();
    await until("bob's follower count back to 0", async () => {
      const me = await bob.v1.accounts.verifyCredentials();
      return me.followersCount === 0;
    });
  });
});
