import fs from "node:fs";
import { Readable } from "node:stream";
import type { Context, Hono } from "hono";
import type { WeftApp } from "../app.ts";
import { contentTypeOf, resolveMediaPath } from "../domain/media-files.ts";
import { MEDIA_PATH_PREFIX } from "./entities/media.ts";

/*
 * Serves uploaded media from the data folder at /system/media/…. The Content-Type comes from
 * the extension Weft chose when it wrote the file, never from the bytes, and browsers are told
 * not to sniff; files never change once written, so caches may keep them forever. Byte ranges
 * are honoured because browsers need them to play video and audio.
 */
const HEADERS = {
  "cache-control": "public, max-age=31536000, immutable",
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; sandbox",
  "cross-origin-resource-policy": "cross-origin",
  "accept-ranges": "bytes",
};

function notFound(c: Context): Response {
  return c.json({ error: "Not found" }, 404);
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | "invalid" | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null; // several ranges or another unit: send it all
  let start: number;
  let end: number;
  if (m[1] === "") {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start > end || start >= size ? "invalid" : { start, end };
}

export function mountMediaFiles(routes: Hono, app: WeftApp): void {
  // Hono answers HEAD through the GET route.
  routes.get(`${MEDIA_PATH_PREFIX}*`, async (c) => {
    let relative: string;
    try {
      relative = decodeURIComponent(new URL(c.req.url).pathname.slice(MEDIA_PATH_PREFIX.length));
    } catch {
      return notFound(c);
    }
    const full = resolveMediaPath(app.config, relative);
    const type = contentTypeOf(relative);
    if (!full || !type) return notFound(c);
    let size: number;
    try {
      const st = await fs.promises.stat(full);
      if (!st.isFile()) return notFound(c);
      size = st.size;
    } catch {
      return notFound(c);
    }
    const range = parseRange(c.req.header("range"), size);
    if (range === "invalid") {
      return new Response(null, { status: 416, headers: { ...HEADERS, "content-range": `bytes */${size}` } });
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const headers: Record<string, string> = { ...HEADERS, "content-type": type, "content-length": String(end - start + 1) };
    if (range) headers["content-range"] = `bytes ${start}-${end}/${size}`;
    const status = range ? 206 : 200;
    if (c.req.method === "HEAD" || size === 0) return new Response(null, { status, headers });
    const stream = Readable.toWeb(fs.createReadStream(full, { start, end })) as ReadableStream<Uint8Array>;
    return new Response(stream, { status, headers });
  });
}
