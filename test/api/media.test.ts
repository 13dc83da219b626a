import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";
import { testDialect } from "../helpers/db.ts";
import { assertMatchesEntity } from "../helpers/openapi.ts";
import { caller, makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

/** A JPEG as a phone writes it: camera make, GPS position, and "rotate 90°" in EXIF. */
async function phoneJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 20, channels: 3, background: "#336699" } })
    .jpeg()
    .withExif({
      IFD0: { Make: "TestCam", Model: "X1" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "0/1 7/1 0/1" },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG of a few hundred bytes whose header declares a 50000×50000 canvas. */
function bombPng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(50_000, 0);
  ihdr.writeUInt32BE(50_000, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.alloc(50_001 * 4))), chunk("IEND", Buffer.alloc(0))]);
}

function form(file: Blob, name: string, fields: Record<string, string> = {}): FormData {
  const f = new FormData();
  f.append("file", file, name);
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

describe(`media uploads (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  before(async () => {
    server = await startApiServer();
    alice = await makeUser(server, "alice");
  });
  after(async () => server?.close());

  it("strips EXIF and GPS from an uploaded JPEG, turns it upright, and serves it with long-lived headers", async (t) => {
    const jpeg = await phoneJpeg();
    assert.ok((await sharp(jpeg).metadata()).exif, "the fixture carries EXIF");
    const media = await alice.masto.v2.media.create({
      file: new Blob([new Uint8Array(jpeg)], { type: "image/jpeg" }),
      description: "a blue rectangle",
      focus: "0.5,-0.25",
      skipPolling: true,
    } as never);
    assert.equal(media.type, "image");
    assert.equal(media.description, "a blue rectangle");
    assert.deepEqual(media.meta?.focus, { x: 0.5, y: -0.25 });
    assert.equal(media.meta?.original?.width, 20, "rotated by its EXIF orientation");
    assert.equal(media.meta?.original?.height, 40);
    assert.ok(media.blurhash && media.blurhash.length > 6);
    assert.ok(media.previewUrl);

    const raw = await (await alice.call("GET", `/api/v1/media/${media.id}`)).json();
    assertMatchesEntity(raw, "MediaAttachment", t);

    const res = await fetch(media.url!);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/jpeg");
    assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    const served = Buffer.from(await res.arrayBuffer());
    const meta = await sharp(served).metadata();
    assert.equal(meta.exif, undefined, "no EXIF left");
    assert.equal(meta.xmp, undefined);
    assert.equal(meta.iptc, undefined);
    assert.equal(meta.orientation, undefined);
    assert.ok(!served.includes(Buffer.from("TestCam")), "camera make gone");
    assert.deepEqual([meta.width, meta.height], [20, 40]);
    const preview = await fetch(media.previewUrl!);
    assert.equal(preview.status, 200);
    assert.equal((await sharp(Buffer.from(await preview.arrayBuffer())).metadata()).exif, undefined);
  });

  it("refuses a decompression bomb with 422 and keeps serving", async () => {
    const res = await alice.call("POST", "/api/v2/media", form(new Blob([new Uint8Array(bombPng())], { type: "image/png" }), "bomb.png"));
    assert.equal(res.status, 422);
    assert.match((await res.json()).error, /too large/);
    const ok = await alice.call("POST", "/api/v1/media", form(new Blob([new Uint8Array(await phoneJpeg())], { type: "image/jpeg" }), "x.jpg"));
    assert.equal(ok.status, 200);
  });

  it("refuses files that are not images, video or audio, and files whose bytes lie about their type", async () => {
    const text = await alice.call("POST", "/api/v2/media", form(new Blob(["hello"], { type: "text/plain" }), "a.txt"));
    assert.equal(text.status, 422);
    const html = await alice.call("POST", "/api/v2/media", form(new Blob(["<script>alert(1)</script>"], { type: "image/png" }), "a.png"));
    assert.equal(html.status, 422);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>';
    const svgRes = await alice.call("POST", "/api/v2/media", form(new Blob([svg], { type: "image/svg+xml" }), "a.svg"));
    assert.equal(svgRes.status, 422);
    const fakeVideo = await alice.call("POST", "/api/v2/media", form(new Blob(["not a video"], { type: "video/mp4" }), "a.mp4"));
    assert.equal(fakeVideo.status, 422);
    const missing = await alice.call("POST", "/api/v2/media", new FormData());
    assert.equal(missing.status, 422);
  });

  it("keeps audio whose leading bytes match its type, served as that type", async () => {
    const wav = Buffer.concat([Buffer.from("RIFF"), Buffer.alloc(4), Buffer.from("WAVEfmt "), Buffer.alloc(32)]);
    const res = await alice.call("POST", "/api/v2/media", form(new Blob([new Uint8Array(wav)], { type: "audio/wav" }), "a.wav"));
    assert.equal(res.status, 200);
    const media = await res.json();
    assert.equal(media.type, "audio");
    const file = await fetch(media.url, { headers: { range: "bytes=0-3" } });
    assert.equal(file.status, 206);
    assert.equal(file.headers.get("content-type"), "audio/wav");
    assert.equal(await file.text(), "RIFF");
  });

  it("updates description and focus, and hides others' media", async () => {
    const bob = await makeUser(server, "bob");
    const up = await alice.call("POST", "/api/v2/media", form(new Blob([new Uint8Array(await phoneJpeg())], { type: "image/jpeg" }), "x.jpg"));
    const { id } = await up.json();
    const put = await alice.call("PUT", `/api/v1/media/${id}`, { description: "now described", focus: "0,1" });
    assert.equal(put.status, 200);
    const body = await put.json();
    assert.equal(body.description, "now described");
    assert.deepEqual(body.meta.focus, { x: 0, y: 1 });
    assert.equal((await bob.call("GET", `/api/v1/media/${id}`)).status, 404);
    assert.equal((await bob.call("PUT", `/api/v1/media/${id}`, { description: "mine" })).status, 404);
    const badFocus = await alice.call("PUT", `/api/v1/media/${id}`, { focus: "3,0" });
    assert.equal(badFocus.status, 422);
  });

  it("answers 206 for media still processing", async () => {
    const up = await alice.call("POST", "/api/v2/media", form(new Blob([new Uint8Array(await phoneJpeg())], { type: "image/jpeg" }), "x.jpg"));
    const { id } = await up.json();
    await server.ctx.db.updateTable("media_attachments").set({ state: "processing" }).where("id", "=", id).execute();
    const res = await alice.call("GET", `/api/v1/media/${id}`);
    assert.equal(res.status, 206);
    assert.equal((await res.json()).url, null);
  });

  it("never serves files outside the media folder", async () => {
    for (const p of ["/system/media/../weft.sqlite", "/system/media/%2e%2e/%2e%2e/etc/passwd", "/system/media/attachments/..%2f..%2fweft.sqlite", "/system/media/%ZZ"]) {
      const res = await fetch(server.url + p);
      assert.ok(res.status === 404 || res.status === 400, `${p} answered ${res.status}`);
    }
  });

  it("requires a token with write:media", async () => {
    const anon = caller(server, null);
    assert.equal((await anon("POST", "/api/v2/media", new FormData())).status, 401);
    assert.equal((await anon("GET", "/api/v1/media/1")).status, 401);
    const readOnly = caller(server, await tokenFor(server, alice.account.id, "read"));
    assert.equal((await readOnly("POST", "/api/v2/media", new FormData())).status, 403);
    assert.equal((await readOnly("PUT", "/api/v1/media/1", {})).status, 403);
  });
});
