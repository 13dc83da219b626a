import type { Config } from "../../config.ts";
import type { MediaRow } from "../../domain/hydrate.ts";
import type { ScheduledStatus } from "../../domain/scheduled-statuses.ts";
import { serializeMediaAttachment, type MastodonMediaAttachment } from "./media.ts";

export interface MastodonScheduledStatus {
  id: string;
  scheduled_at: string;
  params: {
    text: string;
    poll: { options: string[]; expires_in: number; multiple: boolean; hide_totals: boolean } | null;
    media_ids: string[] | null;
    sensitive: boolean | null;
    spoiler_text: string | null;
    visibility: string;
    in_reply_to_id: string | null;
    language: string | null;
    /** a string like every id, though Mastodon's description says integer */
    application_id: string | null;
    /** always null: the post is only scheduled once */
    scheduled_at: null;
    idempotency: string | null;
    with_rate_limit: boolean;
  };
  media_attachments: MastodonMediaAttachment[];
}

/** `media` are the uploads the scheduled post holds. */
export function serializeScheduledStatus(s: ScheduledStatus, media: MediaRow[], config: Pick<Config, "url">): MastodonScheduledStatus {
  const p = s.params;
  const byId = new Map(media.map((m) => [m.id, m]));
  return {
    id: s.row.id,
    scheduled_at: s.row.scheduled_at,
    params: {
      text: p.text,
      poll: p.poll,
      media_ids: p.media_ids.length ? p.media_ids : null,
      sensitive: p.sensitive,
      spoiler_text: p.spoiler_text || null,
      visibility: p.visibility ?? "public",
      in_reply_to_id: p.in_reply_to_id,
      language: p.language,
      application_id: p.application_id,
      scheduled_at: null,
      idempotency: p.idempotency,
      with_rate_limit: false,
    },
    // in the order the client gave them, as the post will show them
    media_attachments: p.media_ids.flatMap((id) => {
      const m = byId.get(id);
      return m ? [serializeMediaAttachment(m, config)] : [];
    }),
  };
}
