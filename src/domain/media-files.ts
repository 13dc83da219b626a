import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config.ts";

/*
 * Where uploaded media lives: `${dataDir}/media/<relative path>`, the relative path being what
 * media_attachments.file_path stores and what the file route serves. Paths are made here, from
 * ids and random tokens only, and every path read back is checked against the same shape, so
 * nothing a client sends can point outside the media folder.
 */

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  mp4: "video/mp4",
  m4v: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
  ogv: "video/ogg",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  oga: "audio/ogg",
  wav: "audio/wav",
  flac: "audio/flac",
};

export function mediaRoot(config: Pick<Config, "dataDir">): string {
  return path.join(config.dataDir, "media");
}

/**
 * A fresh folder name for one attachment. The random part keeps the URLs of media in private
 * posts unguessable from the (time-sortable) attachment id.
 */
export function newMediaFolder(id: string): string {
  return `attachments/${id.slice(0, 8)}/${id}-${randomBytes(9).toString("base64url")}`;
}

/** The absolute path for a stored relative path, or null when it is not one Weft could have made. */
export function resolveMediaPath(config: Pick<Config, "dataDir">, relative: string): string | null {
  const segments = relative.split("/");
  if (segments.length < 2 || segments.length > 6) return null;
  if (!segments.every((s) => SEGMENT.test(s) && s !== "." && s !== "..")) return null;
  const root = mediaRoot(config);
  const full = path.resolve(root, ...segments);
  return full.startsWith(root + path.sep) ? full : null;
}

export function contentTypeOf(relative: string): string | null {
  const ext = relative.slice(relative.lastIndexOf(".") + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? null;
}

/** Writes a file under the media folder, atomically (no reader sees half a file). */
export async function writeMediaFile(config: Pick<Config, "dataDir">, relative: string, bytes: Uint8Array): Promise<void> {
  const full = resolveMediaPath(config, relative);
  if (!full) throw new Error(`refusing to write media outside the media folder: ${relative}`);
  await fs.mkdir(path.dirname(full), { recursive: true });
  const tmp = `${full}.${randomBytes(6).toString("hex")}.tmp`;
  await fs.writeFile(tmp, bytes, { flag: "wx" });
  await fs.rename(tmp, full);
}

/** Removes an attachment's files; missing files are fine (already gone). */
export async function removeMediaFiles(config: Pick<Config, "dataDir">, relatives: Array<string | null>): Promise<void> {
  const dirs = new Set<string>();
  for (const rel of relatives) {
    const full = rel ? resolveMediaPath(config, rel) : null;
    if (!full) continue;
    await fs.rm(full, { force: true });
    dirs.add(path.dirname(full));
  }
  for (const dir of dirs) await fs.rmdir(dir).catch(() => {});
}
