import type { Selectable } from "kysely";
import type { Config } from "../../config.ts";
import type { StatusEditTable } from "../../db/schema.ts";
import type { AccountView, MediaRow } from "../../domain/hydrate.ts";
import { type MastodonAccount, serializeAccount } from "./account.ts";
import type { MastodonCustomEmoji } from "./emoji.ts";
import { isoDate, parseJson } from "./format.ts";
import { type MastodonMediaAttachment, serializeMediaAttachment } from "./media.ts";

export interface MastodonStatusEdit {
  content: string;
  spoiler_text: string;
  sensitive: boolean;
  created_at: string;
  account: MastodonAccount;
  poll: { options: Array<{ title: string }> } | null;
  media_attachments: MastodonMediaAttachment[];
  emojis: MastodonCustomEmoji[];
}

/**
 * One revision of a status. `media` holds the attachments the revision listed (the caller
 * loads them by the ids stored in `media_ids`, in that order).
 */
export function serializeStatusEdit(
  edit: Selectable<StatusEditTable>,
  account: AccountView,
  media: MediaRow[],
  config: Pick<Config, "url">,
): MastodonStatusEdit {
  const options = parseJson<unknown[] | null>(edit.poll_options, null);
  return {
    content: edit.content,
    spoiler_text: edit.spoiler_text,
    sensitive: edit.sensitive === 1,
    created_at: isoDate(edit.created_at),
    account: serializeAccount(account, config),
    poll: Array.isArray(options) ? { options: options.map((title) => ({ title: String(title) })) } : null,
    media_attachments: media.map((m) => serializeMediaAttachment(m, config)),
    emojis: [],
  };
}
