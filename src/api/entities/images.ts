import type { Hono } from "hono";
import { loadSharp } from "../../domain/sharp.ts";

import {
  INSTANCE_THUMBNAIL_PATH,
  MISSING_AVATAR_PATH,
  MISSING_HEADER_PATH,
} from "../../domain/uris.ts";

export {
  INSTANCE_THUMBNAIL_PATH,
  MISSING_AVATAR_PATH,
  MISSING_HEADER_PATH,
  instanceThumbnailUrl,
  missingAvatarUrl,
  missingHeaderUrl,
} from "../../domain/uris.ts";

// Weft renders its placeholders once with sharp and keeps them in memory.
const images = new Map<string, Promise<Buffer>>();

async function render(width: number, height: number, colour: string): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
}

function cached(key: string, make: () => Promise<Buffer>): Promise<Buffer> {
  let p = images.get(key);
  if (!p) {
    p = make();
    images.set(key, p);
  }
  return p;
}

export function mountMissingImages(routes: Hono): void {
  const serve = (key: string, make: () => Promise<Buffer>) => async () => {
    const png = await cached(key, make);
    return new Response(new Uint8Array(png), {
      headers: { "content-type": "image/png", "cache-control": "public, max-age=604800" },
    });
  };
  routes.get(MISSING_AVATAR_PATH, serve("avatar", () => render(120, 120, "#c0c8d0")));
  routes.get(MISSING_HEADER_PATH, serve("header", () => render(150, 50, "#d9e1e8")));
  routes.get(INSTANCE_THUMBNAIL_PATH, serve("thumbnail", () => render(120, 63, "#595aff")));
}
