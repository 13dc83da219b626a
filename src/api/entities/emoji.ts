import { parseJson } from "./format.ts";

export interface MastodonCustomEmoji {
  shortcode: string;
  url: string;
  static_url: string;
  visible_in_picker: boolean;
  category?: string | null;
}

/** Remote accounts' custom emoji as stored ({shortcode, url}); Weft has no local emoji yet. */
export function serializeEmojis(json: string | null): MastodonCustomEmoji[] {
  return parseJson<Array<{ shortcode?: unknown; url?: unknown }>>(json, [])
    .filter((e) => e && typeof e.shortcode === "string" && typeof e.url === "string")
    .map((e) => ({ shortcode: e.shortcode as string, url: e.url as string, static_url: e.url as string, visible_in_picker: false }));
}
