import type { Config } from "../../config.ts";
import type { TagRow } from "../../domain/hydrate.ts";
import { paths } from "../../domain/uris.ts";

/** A hashtag as it appears inside a Status. */
export interface MastodonStatusTag {
  name: string;
  url: string;
}

/** The full Tag entity (hashtag endpoints, search). */
export interface MastodonTag extends MastodonStatusTag {
  id: string;
  history: Array<{ day: string; uses: string; accounts: string }>;
  following?: boolean;
  featuring?: boolean;
}

export function tagUrl(config: Pick<Config, "url">, name: string): string {
  return new URL(paths.tag(name), config.url).href;
}

export function serializeStatusTag(tag: TagRow, config: Pick<Config, "url">): MastodonStatusTag {
  return { name: tag.display_name || tag.name, url: tagUrl(config, tag.name) };
}

export function serializeTag(
  tag: TagRow,
  config: Pick<Config, "url">,
  extra: { history?: MastodonTag["history"]; following?: boolean; featuring?: boolean } = {},
): MastodonTag {
  const out: MastodonTag = { id: tag.id, ...serializeStatusTag(tag, config), history: extra.history ?? [] };
  if (extra.following !== undefined) out.following = extra.following;
  if (extra.featuring !== undefined) out.featuring = extra.featuring;
  return out;
}
