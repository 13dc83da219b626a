import type { Hono } from "hono";
import sharp from "sharp";
import type { Config } from "../../config.ts";

/*
 * Mastodon serves a placeholder for accounts without an avatar or header, at these same
 * paths; some clients recognise `missing.png` and draw their own. Weft renders its two
 * placeholders once with sharp and keeps them in memory.
 */
export const MISSING_AVATAR_PATH = "/avatars/original/missing.png";
export const MISSING_HEADER_PATH = "/headers/original/missing.png";
/** The instance's preview image until an admin sets one. */
export const INSTANCE_THUMBNAIL_PATH = "/images/instance-thumbnail.png";

export function missingAvatarUrl(config: Pick<Config, "url">): string {
  return new URL(MISSING_AVATAR_PATH, config.url).href;
}

export function missingHeaderUrl(config: Pick<Config, "url">): string {
  return new URL(MISSING_HEADER_PATH, config.url).href;
}

export function instanceThumbnailUrl(config: Pick<Config, "url">): string {
  return new URL(INSTANCE_THUMBNAIL_PATH, config.url).href;
}

const images = new Map<string, Promise<Buffer>>();

function render(width: number, height: number, colour: string): Promise<Buffer> {
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
