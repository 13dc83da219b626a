import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import sharp from "sharp";
import { testDialect } from "../helpers/db.ts";
import { makeAccount, relate } from "../helpers/factories.ts";
import { assertMatchesEntity } from "../helpers/openapi.ts";
import { makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

async function jobsOf(server: ApiServer, type: string): Promise<Array<Record<string, unknown>>> {
  const rows = await server.ctx.db.selectFrom("jobs").select("payload").where("queue", "=", "weft").execute();
  return rows
    .map((r) => JSON.parse(r.payload) as { kind: string; activity?: Record<string, unknown> })
    .filter((j) => j.kind === "deliver" && j.activity?.type === type)
    .map((j) => j.activity!);
}

async function photo(): Promise<Blob> {
  // A camera picture: EXIF with a GPS position, which must not survive the upload.
  const jpeg = await sharp({ create: { width: 900, height: 600, channels: 3, background: "#3a7" } })
    .withExif({ IFD0: { Make: "WeftCam", Model: "Secret 1" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" } })
    .jpeg()
    .toBuffer();
  return new Blob([new Uint8Array(jpeg)], { type: "image/jpeg" });
}

describe(`update_credentials (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  before(async () => {
    server = await startApiServer();
    alice = await makeUser(server, "alice");
  });
  after(async () => server?.close());

  it("updates the profile through masto.js with a multipart avatar and reads it back", async (t) => {
    const updated = await alice.masto.v1.accounts.updateCredentials({
      displayName: "Alice Liddell",
      note: "Down the rabbit hole #wonderland\nSecond line",
      avatar: await photo(),
      locked: true,
      bot: false,
      discoverable: false,
      hideCollections: true,
      fieldsAttributes: [
        { name: "Home", value: "https://example.org/alice" },
        { name: "Pronouns", value: "she/her" },
      ],
      source: { privacy: "unlisted", sensitive: true, language: "fr" },
    });
    assert.equal(updated.displayName, "Alice Liddell");
    assert.match(updated.note, /^<p>Down the rabbit hole <a [^>]*href="[^"]*\/tags\/wonderland"/);
    assert.match(updated.note, /<br \/>Second line<\/p>$/);
    assert.equal(updated.source.note, "Down the rabbit hole #wonderland\nSecond line");
    assert.equal(updated.locked, true);
    assert.equal(updated.discoverable, false);
    assert.equal((updated as unknown as { hideCollections: boolean }).hideCollections, true);
    assert.deepEqual(updated.source.fields.map((f) => [f.name, f.value]), [["Home", "https://example.org/alice"], ["Pronouns", "she/her"]]);
    assert.match(updated.fields[0].value, /^<a href="https:\/\/example.org\/alice"/);
    assert.equal(updated.source.privacy, "unlisted");
    assert.equal(updated.source.sensitive, true);
    assert.equal(updated.source.language, "fr");

    // The avatar is served from here, cropped to 400×400, with no EXIF left.
    assert.ok(updated.avatar.startsWith(server.url), updated.avatar);
    const img = await fetch(updated.avatar);
    assert.equal(img.status, 200);
    const meta = await sharp(Buffer.from(await img.arrayBuffer())).metadata();
    assert.deepEqual([meta.width, meta.height], [400, 400]);
    assert.equal(meta.exif, undefined, "EXIF (and the GPS position in it) is gone");

    const raw = await (await alice.call("GET", "/api/v1/accounts/verify_credentials")).json();
    assertMatchesEntity(raw, "CredentialAccount", t);
    assert.equal(raw.display_name, "Alice Liddell");
    assert.equal(raw.avatar, updated.avatar);
    const prefs = await (await alice.call("GET", "/api/v1/preferences")).json();
    assertMatchesEntity(prefs, "Preferences", t);
    assert.equal(prefs["posting:default:visibility"], "unlisted");
    assert.equal(prefs["posting:default:sensitive"], true);
    assert.equal(prefs["posting:default:language"], "fr");
  });

  it("accepts a JSON body with fields as a hash, and removes the avatar on request", async (t) => {
    const res = await alice.call("PATCH", "/api/v1/accounts/update_credentials", {
      fields_attributes: { "1": { name: "B", value: "two" }, "0": { name: "A", value: "one" }, "2": { name: "", value: "" } },
      source: { fediverse_sharing: false },
    });
    assert.equal(res.status, 200);
    const json = await res.json();
    assertMatchesEntity(json, "CredentialAccount", t);
    assert.deepEqual(json.source.fields.map((f: { name: string }) => f.name), ["A", "B"], "in index order, blank ones dropped");
    assert.equal(json.source.fediverse_sharing, false);
    const oldAvatar = json.avatar;
    const removed = await (await alice.call("DELETE", "/api/v1/profile/avatar")).json();
    assert.notEqual(removed.avatar, oldAvatar);
    assert.equal((await fetch(oldAvatar)).status, 404, "the replaced file is deleted");
  });

  it("verify_credentials answers exactly what update_credentials did, fediverse_sharing included", async (t) => {
    const patched = await (await alice.call("PATCH", "/api/v1/accounts/update_credentials", { display_name: "Alice again" })).json();
    const verified = await (await alice.call("GET", "/api/v1/accounts/verify_credentials")).json();
    assertMatchesEntity(verified, "CredentialAccount", t);
    assert.equal(typeof verified.source.fediverse_sharing, "boolean");
    assert.deepEqual(verified, patched);
  });

  it("hide_collections hides followers and following from everyone but the owner", async () => {
    const hid = await makeUser(server, "hid");
    const friend = await makeUser(server, "friend");
    await friend.masto.v1.accounts.$select(hid.account.id).follow();
    await hid.masto.v1.accounts.$select(friend.account.id).follow();
    const updated = await (await hid.call("PATCH", "/api/v1/accounts/update_credentials", { hide_collections: true })).json();
    assert.equal(updated.hide_collections, true);
    assert.equal(updated.source.hide_collections, true);

    const seen = await (await friend.call("GET", `/api/v1/accounts/${hid.account.id}`)).json();
    assert.equal(seen.hide_collections, true, "the Account others see says so too");
    for (const kind of ["followers", "following"]) {
      assert.deepEqual(await (await friend.call("GET", `/api/v1/accounts/${hid.account.id}/${kind}`)).json(), [], kind);
      assert.deepEqual(await (await fetch(`${server.url}/api/v1/accounts/${hid.account.id}/${kind}`)).json(), [], `${kind}, signed out`);
      const own = (await (await hid.call("GET", `/api/v1/accounts/${hid.account.id}/${kind}`)).json()) as Array<{ id: string }>;
      assert.deepEqual(own.map((a) => a.id), [friend.account.id], `${kind}, to the owner`);
    }

    await hid.call("PATCH", "/api/v1/accounts/update_credentials", { hide_collections: false });
    const followers = (await (await friend.call("GET", `/api/v1/accounts/${hid.account.id}/followers`)).json()) as Array<{ id: string }>;
    assert.deepEqual(followers.map((a) => a.id), [friend.account.id]);
  });

  it("refuses what Mastodon refuses with 422", async () => {
    const tooLong = await alice.call("PATCH", "/api/v1/accounts/update_credentials", { display_name: "x".repeat(31) });
    assert.equal(tooLong.status, 422);
    assert.match((await tooLong.json()).error, /Display name is too long/);
    const five = Array.from({ length: 5 }, (_, i) => ({ name: `n${i}`, value: "v" }));
    assert.equal((await alice.call("PATCH", "/api/v1/accounts/update_credentials", { fields_attributes: five })).status, 422);
    assert.equal((await alice.call("PATCH", "/api/v1/accounts/update_credentials", { source: { privacy: "direct" } })).status, 422);
    const form = new FormData();
    form.set("avatar", new Blob(["not an image"], { type: "image/png" }), "a.png");
    assert.equal((await alice.call("PATCH", "/api/v1/accounts/update_credentials", form)).status, 422);
  });

  it("needs a token (401) with write:accounts (403)", async () => {
    const anonymous = await fetch(`${server.url}/api/v1/accounts/update_credentials`, { method: "PATCH" });
    assert.equal(anonymous.status, 401);
    const readOnly = await tokenFor(server, alice.account.id, "read");
    const res = await fetch(`${server.url}/api/v1/accounts/update_credentials`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${readOnly}`, "content-type": "application/json" },
      body: JSON.stringify({ display_name: "nope" }),
    });
    assert.equal(res.status, 403);
  });

  it("announces a changed profile of a federating account with Update(Person)", async () => {
    const carol = await makeUser(server, "carol");
    await server.ctx.db.updateTable("accounts").set({ federating: 1 }).where("id", "=", carol.account.id).execute();
    const before = (await jobsOf(server, "UpdateActor")).length;
    await carol.masto.v1.accounts.updateCredentials({ displayName: "Carol" });
    const updates = await jobsOf(server, "UpdateActor");
    assert.equal(updates.length, before + 1);
    assert.equal(updates.at(-1)!.accountId, carol.account.id);
    // Posting defaults are not part of the actor: nothing to announce.
    await carol.masto.v1.accounts.updateCredentials({ source: { privacy: "private" } });
    assert.equal((await jobsOf(server, "UpdateActor")).length, before + 1);
  });

  it("lets waiting follow requests through when the account is unlocked", async () => {
    const dora = await makeUser(server, "dora", { locked: true });
    const eve = await makeUser(server, "eve");
    const rel = await eve.masto.v1.accounts.$select(dora.account.id).follow();
    assert.equal(rel.requested, true);
    await dora.masto.v1.accounts.updateCredentials({ locked: false });
    const [now] = await eve.masto.v1.accounts.relationships.fetch({ id: [dora.account.id] });
    assert.equal(now.following, true);
  });

  it("switching fediverse sharing off deletes the actor on every server that knew it and ends remote follows", async () => {
    const fay = await makeUser(server, "fay");
    await server.ctx.db.updateTable("accounts").set({ federating: 1 }).where("id", "=", fay.account.id).execute();
    const fan = await makeAccount(server.ctx.db, { domain: "fans.example", shared_inbox_url: "https://fans.example/inbox" });
    const idol = await makeAccount(server.ctx.db, { domain: "idols.example" });
    const local = await makeUser(server, "gus");
    const row = (u: { account: { id: string } }) => ({ ...u.account, id: u.account.id }) as never;
    await relate(server.ctx.db, "follows", fan, row(fay));
    await relate(server.ctx.db, "follows", row(fay), idol);
    await relate(server.ctx.db, "follows", row(local), row(fay));
    await server.ctx.db.updateTable("accounts").set({ followers_count: 2, following_count: 1 }).where("id", "=", fay.account.id).execute();

    const res = await fay.call("PATCH", "/api/v1/accounts/update_credentials", { source: { fediverse_sharing: "false" } });
    assert.equal(res.status, 200);
    const json = await res.json();
    assert.equal(json.source.fediverse_sharing, false);
    assert.equal(json.followers_count, 1, "the local follower stays");
    assert.equal(json.following_count, 0);

    const deletes = (await jobsOf(server, "DeleteActor")).filter((a) => a.accountId === fay.account.id);
    assert.equal(deletes.length, 1);
    assert.deepEqual(new Set(deletes[0].inboxes as string[]), new Set(["https://fans.example/inbox", idol.inbox_url]));
    const follows = await server.ctx.db
      .selectFrom("follows")
      .select(["account_id", "target_account_id"])
      .where((eb) => eb.or([eb("account_id", "=", fay.account.id), eb("target_account_id", "=", fay.account.id)]))
      .execute();
    assert.deepEqual(
      follows.map((f) => [f.account_id, f.target_account_id]),
      [[local.account.id, fay.account.id]],
    );

    const back = await (await fay.call("PATCH", "/api/v1/accounts/update_credentials", { fediverse_sharing: true })).json();
    assert.equal(back.source.fediverse_sharing, true);
  });
});
