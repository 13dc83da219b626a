import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Account } from "../../src/domain/accounts.ts";
import { followAccount, relationship } from "../../src/domain/follows.ts";
import { createLocalStatus, getStatusByUri, type Status } from "../../src/domain/statuses.ts";
import { resolveAccount } from "../../src/federation/lookup.ts";
import { testDialect } from "../helpers/db.ts";
import { startPeer, type TestPeer } from "../helpers/peer.ts";
import type { PeerActor } from "../helpers/peer-actor.ts";
import { eventually, localAccount, startWeft, stillNothing, type LocalWeft } from "./support.ts";

/*
 * Shapes Misskey, Pleroma/Akkoma, GoToSocial and recent Mastodon send that plain ActivityStreams
 * does not describe. The fixtures (test/federation/fixtures/) are written for these tests after
 * what those servers send; {{placeholders}} become the peer's and Weft's URLs.
 */
const FIXTURES = path.join(import.meta.dirname, "fixtures");

function fixture(name: string, vars: Record<string, string>): Record<string, any> {
  const text = fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8");
  return JSON.parse(text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in vars)) throw new Error(`fixture ${name} needs {{${key}}}`);
    return vars[key];
  }));
}

describe(`what Misskey, Pleroma and others send (${testDialect()})`, () => {
  let weft: LocalWeft;
  let peer: TestPeer;
  let misa: PeerActor;
  let alice: Account;
  let post: Status;
  const ctx = () => weft.app.ctx;
  const aliceUri = () => weft.url("/users/alice");
  const origin = () => new URL(peer.actorId).origin;
  const vars = (actor: PeerActor, more: Record<string, string> = {}) => ({
    origin: origin(),
    actor: actor.actorId,
    id: crypto.randomUUID(),
    ...more,
  });
  const favourites = async () =>
    (await ctx().db.selectFrom("statuses").select("favourites_count").where("id", "=", post.id).executeTakeFirstOrThrow()).favourites_count;
  async function deliver(actor: PeerActor, json: unknown): Promise<void> {
    const res = await actor.sendRaw(weft.url("/users/alice/inbox"), json);
    assert.equal(res.status, 202, res.body);
  }

  before(async () => {
    weft = await startWeft();
    // Follows wait for an answer, so the test can send the Accept itself.
    peer = await startPeer({ username: "misa", others: ["kuro", "gts"], autoAccept: false });
    misa = peer;
    alice = await localAccount(weft.app, "alice");
    post = await createLocalStatus(ctx(), { accountId: alice.id, text: "react to me" });
  });
  after(async () => {
    await peer?.stop();
    await weft?.stop();
  });

  test("a Misskey quote whose text already links the quoted post is kept as sent", async () => {
    const quote = `${origin()}/notes/quoted-1`;
    const json = fixture("misskey-create-quote", vars(misa, { quote }));
    await deliver(misa, json);
    const stored = await eventually(() => getStatusByUri(ctx(), json.object.id), "the note to be stored");
    assert.match(stored.content, /look at this/);
    assert.equal(stored.content.split(quote).length - 1, 2, "the one RE: link (href and text), not a second");
    assert.doesNotMatch(stored.content, /quote-inline/);
  });

  test("a Misskey note with only its MFM source gets that text, its CW and a RE: line for the quote", async () => {
    const quote = weft.url(`/users/alice/statuses/${post.id}`);
    const json = fixture("misskey-create-mfm-only", vars(misa, { quote }));
    await deliver(misa, json);
    const stored = await eventually(() => getStatusByUri(ctx(), json.object.id), "the note to be stored");
    assert.match(stored.content, /^<p>only the source text<\/p>/);
    assert.equal(stored.spoiler_text, "spoilers");
    assert.match(stored.content, new RegExp(`<p class="quote-inline">RE: <a href="${quote}"[^>]*>.*</a></p>$`));
  });

  test("a FEP-044f quote (Mastodon 4.4+) without a link in its text gets the RE: line at the end", async () => {
    const quote = `${origin()}/notes/quoted-2`;
    const json = fixture("fep044f-create-quote", vars(misa, { quote }));
    await deliver(misa, json);
    const stored = await eventually(() => getStatusByUri(ctx(), json.object.id), "the note to be stored");
    assert.match(stored.content, /^<p>a quote without the link in its text<\/p><p class="quote-inline">RE: <a href="[^"]+quoted-2"/);
  });

  test("a Misskey reaction (Like with _misskey_reaction) counts as a favourite, and its Undo takes it back", async () => {
    const like = fixture("misskey-like-reaction", vars(misa, { target: post.uri }));
    await deliver(misa, like);
    await eventually(async () => (await favourites()) === 1, "the reaction to count as a favourite");
    const notified = await ctx().db.selectFrom("notifications").select("type").where("account_id", "=", alice.id).execute();
    assert.ok(notified.some((n) => n.type === "favourite"));
    const { "@context": context, ...inner } = like;
    await deliver(misa, { "@context": context, id: `${like.id}/undo`, type: "Undo", actor: misa.actorId, object: inner });
    await eventually(async () => (await favourites()) === 0, "the Undo to take it back");
  });

  test("an Akkoma EmojiReact counts as a favourite", async () => {
    const kuro = peer.as("kuro");
    const react = fixture("akkoma-emoji-react", vars(kuro, { target: post.uri, targetAuthor: aliceUri() }));
    await deliver(kuro, react);
    await eventually(async () => (await favourites()) === 1, "the reaction to count as a favourite");
  });

  test("an Accept naming our Follow only by its id accepts it", async () => {
    const gts = peer.as("gts");
    const target = (await resolveAccount(weft.app, gts.handle))!;
    await followAccount(ctx(), alice.id, target.id);
    const follow = await peer.waitFor((a) => a.type === "Follow" && a.object === gts.actorId);
    assert.equal((await relationship(ctx(), alice.id, target.id)).requested, true);
    await deliver(gts, fixture("accept-follow-by-id", vars(gts, { follow: follow.id! })));
    await eventually(async () => (await relationship(ctx(), alice.id, target.id)).following, "the follow to be accepted");
  });

  test("a Pleroma ChatMessage is accepted and ignored", async () => {
    const json = fixture("pleroma-create-chat-message", vars(misa, { recipient: aliceUri() }));
    await deliver(misa, json);
    assert.ok(await stillNothing(() => getStatusByUri(ctx(), json.object.id)), "no status from a chat message");
  });

  test("an Announce carrying its Note embedded, from the Note's own server, stores that Note", async () => {
    const json = fixture("announce-embedded", vars(misa, { noteId: crypto.randomUUID() }));
    await deliver(misa, json);
    // The peer does not serve /objects/…: only the embedded copy could have been stored.
    const stored = await eventually(() => getStatusByUri(ctx(), json.object.id), "the boosted note to be stored");
    assert.match(stored.content, /carried whole inside the boost/);
    const boost = await eventually(() => getStatusByUri(ctx(), json.id), "the boost to be stored");
    assert.equal(boost.reblog_of_id, stored.id);
  });

  test("an Announce naming its Note by id fetches it from its server", async () => {
    const kuro = peer.as("kuro");
    const { id } = await kuro.createNote({ content: "fetched when boosted" });
    const json = fixture("announce-by-id", vars(misa, { target: id }));
    await deliver(misa, json);
    const stored = await eventually(() => getStatusByUri(ctx(), id), "the boosted note to be fetched");
    assert.match(stored.content, /fetched when boosted/);
    const boost = await eventually(() => getStatusByUri(ctx(), json.id), "the boost to be stored");
    assert.equal(boost.reblog_of_id, stored.id);
  });
});
