import type { Config } from "../../config.ts";
import type { MediaRow } from "../../domain/hydrate.ts";
import { parseJson } from "./format.ts";

export interface MastodonMediaMeta {
  original?: { width?: number; height?: number; size?: string; aspect?: number; duration?: number; frame_rate?: string; bitrate?: number };
  small?: { width?: number; height?: number; size?: string; aspect?: number };
  focus?: { x: number; y: number };
  [key: string]: unknown;
}

export interface MastodonMediaAttachment {
  id: string;
  type: "image" | "gifv" | "video" | "audio" | "unknown";
  url: string | null;
  preview_url: string | null;
  remote_url: string | null;
  /** deprecated in Mastodon, always null */
  text_url: null;
  meta: MastodonMediaMeta;
  description: string | null;
  blurhash: string | null;
}

import { mediaFileUrl } from "../../domain/uris.ts";

export { MEDIA_PATH_PREFIX, mediaFileUrl } from "../../domain/uris.ts";

export function serializeMediaAttachment(m: MediaRow, config: Pick<Config, "url">): MastodonMediaAttachment {
  // Remote media that is not cached here is shown from its origin, as Mastodon does.
  const url = m.file_path ? mediaFileUrl(config, m.file_path) : m.remote_url;
  const preview = m.preview_path ? mediaFileUrl(config, m.preview_path) : url;
  return {
    id: m.id,
    type: m.type,
    url,
    preview_url: preview,
    remote_url: m.file_path ? m.remote_url : (m.remote_url ?? null),
    text_url: null,
    meta: parseJson<MastodonMediaMeta>(m.meta, {}),
    description: m.description,
    blurhash: m.blurhash,
  };
}
