import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { createLocalAccount } from "../../src/domain/accounts.ts";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntities, assertMatchesEntity } from "../helpers/openapi.ts";
import { eventually } from "../helpers/wait.ts";
import { megalodonFor, type RecordingClient } from "./megalodon-support.ts";
import { makeUser, startApiServer, type ApiServer, type TestUser } from "./posting-support.ts";

/*
 * Walks every endpoint group the way an app built on megalodon (a second, independent client
 * library beside masto.js) does, asserting what the user would see and checking the raw JSON
 * of each response against Mastodon's OpenAPI schema (see megalodon-support.ts).
 *
 * Where megalodon has no method, the request is made with fetch and a comment says so:
 * - no password grant (fetchAccessToken only does authorization_code): the token comes from
 *   POST /oauth/token directly, for an app megalodon registered;
 * - no GET /api/v1/statuses/:id/history;
 * - filters only in their v1 form (/api/v1/filters); v2 filters are covered by filters.test.ts.
 */

type Json = Record<string, any>;

describe(`megalodon walks every endpoint group (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: RecordingClient;
  let bob: TestUser;
  let carol: TestUser;
  let bobM: RecordingClient;
  let aliceId: string;
  let post: Json;

  before(async () => {
    server = await startApiServer({}, { worker: true });
    const account = await createLocalAccount(server.ctx, { username: "alice", password: "correct horse battery", federating: false });
    aliceId = account.id;
    bob = await makeUser(server, "bob");
    carol = await makeUser(server, "carol", { locked: true });
    bobM = megalodonFor(server, bob.token);
  });
  after(async () => server?.close());

  it("instance: shows the server's title, version and limits", async (t) => {
    const anon = megalodonFor(server, null);
    const { data } = await anon.api.getInstance();
    assert.ok(data.uri.length > 0);
    assert.ok(data.version.length > 0);
    assert.ok((data.configuration?.statuses.max_characters ?? 0) > 0);
    assertMatchesEntity(anon.rawOf("GET", "/api/v1/instance"), "V1Instance", t);
    const emojis = await anon.api.getInstanceCustomEmojis();
    assert.ok(Array.isArray(emojis.data));
  });

  it("apps + OAuth: registers an app, signs in with a password, verifies both", async (t) => {
    const anon = megalodonFor(server, null);
    const app = await anon.api.registerApp("Megalodon conformance", { scopes: ["read", "write", "follow"] });
    assert.ok(app.client_id && app.client_secret);
    assert.match(app.url ?? "", /\/oauth\/authorize\?/);
    assertMatchesEntity(anon.rawOf("POST", "/api/v1/apps"), "CredentialApplication", t);
    // megalodon has no password grant: ask /oauth/token for it directly.
    const res = await fetch(`${server.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "password",
        client_id: app.client_id,
        client_secret: app.client_secret,
        username: "alice",
        password: "correct horse battery",
        scope: "read write follow",
      }),
    });
    assert.equal(res.status, 200);
    const token = await res.json();
    assertMatchesEntity(token, "Token", t);
    alice = megalodonFor(server, token.access_token);
    const verified = await alice.api.verifyAppCredentials();
    assert.equal(verified.data.name, "Megalodon conformance");
    const me = await alice.api.verifyAccountCredentials();
    assert.equal(me.data.id, aliceId);
    assert.equal(me.data.username, "alice");
    assertMatchesEntity(alice.rawOf("GET", "/api/v1/accounts/verify_credentials"), "CredentialAccount", t);
  });

  it("accounts: profile edits, lookup, search, follows, follow requests, blocks, mutes", async (t) => {
    const updated = await alice.api.updateCredentials({ display_name: "Alice A.", note: "Hello from megalodon" });
    assert.equal(updated.data.display_name, "Alice A.");
    assert.match(updated.data.note, /Hello from megalodon/);
    assertMatchesEntity(alice.rawOf("PATCH", "/api/v1/accounts/update_credentials"), "CredentialAccount", t);

    const shown = await alice.api.getAccount(bob.account.id);
    assert.equal(shown.data.acct, "bob");
    assertMatchesEntity(alice.rawOf("GET", `/api/v1/accounts/${bob.account.id}`), "Account", t);
    const looked = await alice.api.lookupAccount("carol");
    assert.equal(looked.data.id, carol.account.id);
    assert.equal(looked.data.locked, true);
    const found = await alice.api.searchAccount("bo");
    assert.deepEqual(found.data.map((a) => a.acct), ["bob"]);
    assertMatchesEntities(alice.rawOf("GET", "/api/v1/accounts/search"), "Account", t);

    const followed = await alice.api.followAccount(bob.account.id);
    assert.equal(followed.data.following, true);
    assertMatchesEntity(alice.rawOf("POST", `/api/v1/accounts/${bob.account.id}/follow`), "Relationship", t);
    const requested = await alice.api.followAccount(carol.account.id);
    assert.equal(requested.data.requested, true, "carol is locked: the follow waits for her");
    await bobM.api.followAccount(aliceId);

    const carolM = megalodonFor(server, carol.token);
    const pending = await carolM.api.getFollowRequests();
    assert.deepEqual(pending.data.map((a) => a.id), [aliceId]);
    const accepted = await carolM.api.acceptFollowRequest(aliceId);
    assert.equal(accepted.data.followed_by, true);
    const rels = await alice.api.getRelationships([bob.account.id, carol.account.id]);
    assert.deepEqual(rels.data.map((r) => [r.id, r.following, r.followed_by]), [
      [bob.account.id, true, true],
      [carol.account.id, true, false],
    ]);
    assertMatchesEntities(alice.rawOf("GET", "/api/v1/accounts/relationships"), "Relationship", t);

    const followers = await alice.api.getAccountFollowers(aliceId);
    assert.deepEqual(followers.data.map((a) => a.acct), ["bob"]);
    const following = await alice.api.getAccountFollowing(aliceId);
    assert.deepEqual(following.data.map((a) => a.acct).sort(), ["bob", "carol"]);
    assertMatchesEntities(alice.rawOf("GET", `/api/v1/accounts/${aliceId}/following`), "Account", t);

    const muted = await alice.api.muteAccount(carol.account.id, true);
    assert.equal(muted.data.muting, true);
    assert.equal(muted.data.muting_notifications, true);
    assert.deepEqual((await alice.api.getMutes()).data.map((a) => a.acct), ["carol"]);
    assert.equal((await alice.api.unmuteAccount(carol.account.id)).data.muting, false);

    const blocked = await alice.api.blockAccount(carol.account.id);
    assert.equal(blocked.data.blocking, true);
    assert.equal(blocked.data.following, false, "blocking ends the follow");
    assert.deepEqual((await alice.api.getBlocks()).data.map((a) => a.acct), ["carol"]);
    assert.equal((await alice.api.unblockAccount(carol.account.id)).data.blocking, false);
    const unfollowed = await alice.api.unfollowAccount(carol.account.id);
    assert.equal(unfollowed.data.following, false);
  });

  it("statuses: post with a poll and a spoiler, read, edit, thread, favourite, boost, bookmark, delete", async (t) => {
    const created = await alice.api.postStatus("Which sea? #oceans", {
      spoiler_text: "survey",
      visibility: "public",
      poll: { options: ["Baltic", "Aegean"], expires_in: 3600 },
    });
    post = created.data as Json;
    assert.equal(post.spoiler_text, "survey");
    assert.match(post.content, /Which sea/);
    assert.deepEqual(post.poll.options.map((o: Json) => o.title), ["Baltic", "Aegean"]);
    assertMatchesEntity(alice.rawOf("POST", "/api/v1/statuses"), "Status", t);

    const got = await bobM.api.getStatus(post.id);
    assert.equal(got.data.account.id, aliceId);
    assert.deepEqual(got.data.tags.map((x) => x.name), ["oceans"]);
    assertMatchesEntity(bobM.rawOf("GET", `/api/v1/statuses/${post.id}`), "Status", t);

    const reply = await bobM.api.postStatus("@alice Aegean, clearly", { in_reply_to_id: post.id });
    const context = await alice.api.getStatusContext(post.id);
    assert.deepEqual(context.data.descendants.map((s) => s.id), [reply.data.id]);
    assertMatchesEntity(alice.rawOf("GET", `/api/v1/statuses/${post.id}/context`), "Context", t);

    const edited = await alice.api.editStatus(post.id, { status: "Which sea do you prefer? #oceans", spoiler_text: "survey" });
    assert.match(edited.data.content, /do you prefer/);
    assert.ok(edited.data.edited_at);
    assertMatchesEntity(alice.rawOf("PUT", `/api/v1/statuses/${post.id}`), "Status", t);
    // megalodon has no getStatusHistory.
    const history = await (await fetch(`${server.url}/api/v1/statuses/${post.id}/history`)).json();
    assert.equal(history.length, 2);
    assertMatchesEntities(history, "StatusEdit", t);
    const source = await alice.api.getStatusSource(post.id);
    assert.equal(source.data.text, "Which sea do you prefer? #oceans");

    const fav = await bobM.api.favouriteStatus(post.id);
    assert.equal(fav.data.favourited, true);
    assert.equal(fav.data.favourites_count, 1);
    const boost = await bobM.api.reblogStatus(post.id);
    assert.equal(boost.data.reblog?.id, post.id);
    assertMatchesEntity(bobM.rawOf("POST", `/api/v1/statuses/${post.id}/reblog`), "Status", t);
    const bookmark = await bobM.api.bookmarkStatus(post.id);
    assert.equal(bookmark.data.bookmarked, true);
    assert.deepEqual((await alice.api.getStatusFavouritedBy(post.id)).data.map((a) => a.acct), ["bob"]);
    assert.deepEqual((await alice.api.getStatusRebloggedBy(post.id)).data.map((a) => a.acct), ["bob"]);
    assertMatchesEntities(alice.rawOf("GET", `/api/v1/statuses/${post.id}/reblogged_by`), "Account", t);
    assert.deepEqual((await bobM.api.getBookmarks()).data.map((s) => s.id), [post.id]);
    assert.deepEqual((await bobM.api.getFavourites()).data.map((s) => s.id), [post.id]);
    assertMatchesEntities(bobM.rawOf("GET", "/api/v1/favourites"), "Status", t);

    assert.equal((await bobM.api.unfavouriteStatus(post.id)).data.favourited, false);
    assert.equal((await bobM.api.unreblogStatus(post.id)).data.reblogged, false);
    assert.equal((await bobM.api.unbookmarkStatus(post.id)).data.bookmarked, false);
    assert.deepEqual((await bobM.api.getBookmarks()).data, []);

    const doomed = await alice.api.postStatus("typo", {});
    await alice.api.deleteStatus(doomed.data.id);
    // megalodon's Converter drops `text`, which Mastodon returns so that a client can redraft.
    const deleted = alice.rawOf("DELETE", `/api/v1/statuses/${doomed.data.id}`) as Json;
    assert.equal(deleted.text, "typo", "the deleted post comes back with its source for redrafting");
    assertMatchesEntity(deleted, "Status", t);
    await assert.rejects(alice.api.getStatus(doomed.data.id), (err: any) => err.response?.status === 404);
  });

  it("polls: a voter sees their choice and the counts", async (t) => {
    const poll = await bobM.api.getPoll(post.poll.id);
    assert.equal(poll.data.voted, false);
    assertMatchesEntity(bobM.rawOf("GET", `/api/v1/polls/${post.poll.id}`), "Poll", t);
    const voted = await bobM.api.votePoll(post.poll.id, [1]);
    assert.equal(voted.data.voted, true);
    // megalodon's Poll type has no own_votes: read it from the raw answer.
    assert.deepEqual((bobM.rawOf("POST", `/api/v1/polls/${post.poll.id}/votes`) as Json).own_votes, [1]);
    assert.deepEqual(voted.data.options.map((o) => o.votes_count), [0, 1]);
    assertMatchesEntity(bobM.rawOf("POST", `/api/v1/polls/${post.poll.id}/votes`), "Poll", t);
  });

  it("media: uploads a PNG, reads and describes it, attaches it", async (t) => {
    const png = await sharp({ create: { width: 4, height: 3, channels: 3, background: "#1a6" } }).png().toBuffer();
    // megalodon builds its body with the form-data package, which wants a stream with a file name.
    const filePath = path.join(server.dataDir, "green.png");
    fs.writeFileSync(filePath, png);
    const file = fs.createReadStream(filePath);
    const uploaded = await alice.api.uploadMedia(file, { description: "a green rectangle" });
    const media = uploaded.data as Json;
    assert.equal(media.type, "image");
    assert.equal(media.description, "a green rectangle");
    assertMatchesEntity(alice.rawOf("POST", "/api/v2/media"), "MediaAttachment", t);
    const fetched = await alice.api.getMedia(media.id);
    assert.equal(fetched.data.meta?.original?.width, 4);
    assertMatchesEntity(alice.rawOf("GET", `/api/v1/media/${media.id}`), "MediaAttachment", t);
    const described = await alice.api.updateMedia(media.id, { description: "a small green rectangle" });
    assert.equal(described.data.description, "a small green rectangle");
    const withImage = await alice.api.postStatus("look", { media_ids: [media.id] });
    const attached = withImage.data.media_attachments ?? [];
    assert.deepEqual(attached.map((m) => m.id), [media.id]);
    const image = await fetch(attached[0].url);
    assert.equal(image.status, 200);
  });

  it("timelines: home, public, local, tag and list show the right posts", async (t) => {
    await eventually(async () => (await bobM.api.getHomeTimeline()).data.some((s) => s.id === post.id), "the post in bob's home");
    assertMatchesEntities(bobM.rawOf("GET", "/api/v1/timelines/home"), "Status", t);
    const pub = await bobM.api.getPublicTimeline();
    assert.ok(pub.data.some((s) => s.id === post.id));
    assertMatchesEntities(bobM.rawOf("GET", "/api/v1/timelines/public"), "Status", t);
    const local = await bobM.api.getLocalTimeline();
    assert.ok(local.data.every((s) => !s.account.acct.includes("@")));
    const tagged = await bobM.api.getTagTimeline("Oceans");
    assert.deepEqual(tagged.data.map((s) => s.id), [post.id]);

    const list = await bobM.api.createList("friends");
    assert.equal(list.data.title, "friends");
    assertMatchesEntity(bobM.rawOf("POST", "/api/v1/lists"), "List", t);
    await bobM.api.addAccountsToList(list.data.id, [aliceId]);
    assert.deepEqual((await bobM.api.getAccountsInList(list.data.id)).data.map((a) => a.id), [aliceId]);
    const listed = await bobM.api.postStatus("unrelated", {});
    const fromAlice = await alice.api.postStatus("for my list readers", {});
    await eventually(
      async () => (await bobM.api.getListTimeline(list.data.id)).data.some((s) => s.id === fromAlice.data.id),
      "the post in the list",
    );
    const listTimeline = (await bobM.api.getListTimeline(list.data.id)).data.map((s) => s.id);
    assert.ok(!listTimeline.includes(listed.data.id), "bob's own post is not from a list member");
    assert.deepEqual((await bobM.api.getLists()).data.map((l) => l.title), ["friends"]);
    await bobM.api.deleteList(list.data.id);
    assert.deepEqual((await bobM.api.getLists()).data, []);
  });

  it("notifications: lists, shows and dismisses what happened to alice", async (t) => {
    const all = await alice.api.getNotifications();
    const types = all.data.map((n) => n.type);
    for (const type of ["follow", "mention"]) assert.ok(types.includes(type as never), `has a ${type}: ${types.join(", ")}`);
    // As in Mastodon, undoing a favourite or a boost takes its notification back.
    assert.ok(!types.includes("favourite" as never) && !types.includes("reblog" as never), types.join(", "));
    assertMatchesEntities(alice.rawOf("GET", "/api/v1/notifications"), "Notification", t);
    const first = all.data[0];
    const one = await alice.api.getNotification(first.id);
    assert.equal(one.data.id, first.id);
    assertMatchesEntity(alice.rawOf("GET", `/api/v1/notifications/${first.id}`), "Notification", t);
    await alice.api.dismissNotification(first.id);
    const after = await alice.api.getNotifications();
    assert.ok(!after.data.some((n) => n.id === first.id));
  });

  it("filters (v1, all megalodon has): a keyword filter is listed and removable", async (t) => {
    const made = await alice.api.createFilter("spoilers", ["home", "public"], { whole_word: true });
    assert.equal(made.data.phrase, "spoilers");
    assertMatchesEntity(alice.rawOf("POST", "/api/v1/filters"), "V1Filter", t);
    assert.deepEqual((await alice.api.getFilters()).data.map((f) => f.phrase), ["spoilers"]);
    assertMatchesEntities(alice.rawOf("GET", "/api/v1/filters"), "V1Filter", t);
    await alice.api.deleteFilter(made.data.id);
    assert.deepEqual((await alice.api.getFilters()).data, []);
  });

  it("markers: saves and reads where alice stopped reading", async (t) => {
    await alice.api.saveMarkers({ home: { last_read_id: post.id } });
    const markers = (await alice.api.getMarkers(["home", "notifications"])).data as Json;
    assert.equal(markers.home.last_read_id, post.id);
    assertMatchesEntity((alice.rawOf("GET", "/api/v1/markers") as Json).home, "Marker", t);
  });

  it("search: finds accounts, statuses and hashtags by type", async (t) => {
    const accounts = await bobM.api.search("alice", { type: "accounts" });
    assert.deepEqual(accounts.data.accounts.map((a) => a.id), [aliceId]);
    assert.deepEqual(accounts.data.statuses, []);
    assertMatchesEntity(bobM.rawOf("GET", "/api/v2/search"), "Search", t);
    const tags = await bobM.api.search("oceans", { type: "hashtags" });
    assert.deepEqual(tags.data.hashtags.map((h) => h.name), ["oceans"]);
    const statuses = await bobM.api.search("prefer", { type: "statuses" });
    assert.ok(statuses.data.statuses.some((s) => s.id === post.id));
  });

  it("conversations: a direct message shows up for both sides", async (t) => {
    await alice.api.postStatus("@bob just between us", { visibility: "direct" });
    const convs = await bobM.api.getConversationTimeline();
    assert.equal(convs.data.length, 1);
    assert.deepEqual(convs.data[0].accounts.map((a) => a.acct), ["alice"]);
    assert.match(convs.data[0].last_status?.content ?? "", /just between us/);
    assertMatchesEntities(bobM.rawOf("GET", "/api/v1/conversations"), "Conversation", t);
    await bobM.api.readConversation(convs.data[0].id);
    assert.equal((await bobM.api.getConversationTimeline()).data[0].unread, false);
  });

  it("tags, trends, preferences, domain blocks and endorsements", async (t) => {
    const tag = await bobM.api.followTag("oceans");
    assert.equal(tag.data.following, true);
    assertMatchesEntity(bobM.rawOf("POST", "/api/v1/tags/oceans/follow"), "Tag", t);
    assert.deepEqual((await bobM.api.getFollowedTags()).data.map((x) => x.name), ["oceans"]);
    assert.equal((await bobM.api.unfollowTag("oceans")).data.following, false);

    const trends = await bobM.api.getInstanceTrends();
    assert.ok(Array.isArray(trends.data));
    assertMatchesEntities(bobM.rawOf("GET", "/api/v1/trends"), "Tag", t);

    const prefs = await alice.api.getPreferences();
    assert.equal(prefs.data["posting:default:visibility"], "public");
    assertMatchesEntity(alice.rawOf("GET", "/api/v1/preferences"), "Preferences", t);

    await alice.api.blockDomain("spam.example");
    assert.deepEqual((await alice.api.getDomainBlocks()).data, ["spam.example"]);
    await alice.api.unblockDomain("spam.example");
    assert.deepEqual((await alice.api.getDomainBlocks()).data, []);

    const pinned = await alice.api.pinAccount(bob.account.id);
    assert.equal(pinned.data.endorsed, true);
    assert.deepEqual((await alice.api.getEndorsements()).data.map((a) => a.id), [bob.account.id]);
    assertMatchesEntities(alice.rawOf("GET", "/api/v1/endorsements"), "Account", t);
    assert.equal((await alice.api.unpinAccount(bob.account.id)).data.endorsed, false);
  });

  it("account statuses: the profile lists alice's posts, newest first", async (t) => {
    const statuses = await bobM.api.getAccountStatuses(aliceId);
    assert.ok(statuses.data.length >= 3);
    assert.ok(statuses.data.some((s) => s.id === post.id));
    assert.ok(statuses.data.some((s) => s.visibility === "direct"), "bob sees the direct message that mentions him");
    const carolView = await megalodonFor(server, carol.token).api.getAccountStatuses(aliceId);
    assert.ok(carolView.data.length > 0);
    assert.ok(!carolView.data.some((s) => s.visibility === "direct"), "carol's view leaves out a message not meant for her");
    const ids = statuses.data.map((s) => BigInt(s.id));
    assert.deepEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)), ids);
    assertMatchesEntities(bobM.rawOf("GET", `/api/v1/accounts/${aliceId}/statuses`), "Status", t);
  });
});
