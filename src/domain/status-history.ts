import type { Selectable } from "kysely";
import type { StatusEditTable } from "../db/schema.ts";
import type { Ctx } from "./context.ts";
import type { MediaRow } from "./hydrate.ts";
import type { Status } from "./statuses.ts";

export type StatusEdit = Selectable<StatusEditTable>;

export interface StatusVersion {
  edit: StatusEdit;
  /** the attachments this version showed */
  media: MediaRow[];
}

/**
 * Every version of a status, oldest first, the current one last. A status never edited has one
 * version, itself, as Mastodon shows it. Versions that did not record their attachments show the
 * status's current ones, and likewise for poll options.
 */
export async function statusHistory(ctx: Ctx, status: Status): Promise<StatusVersion[]> {
  const [edits, current, poll] = await Promise.all([
    ctx.db.selectFrom("status_edits").selectAll().where("status_id", "=", status.id).orderBy("id").execute(),
    ctx.db.selectFrom("media_attachments").selectAll().where("status_id", "=", status.id).orderBy("id").execute(),
    status.poll_id ? ctx.db.selectFrom("polls").select("options").where("id", "=", status.poll_id).executeTakeFirst() : undefined,
  ]);
  const versions: StatusEdit[] = edits.length
    ? edits
    : [{
        id: status.id,
        status_id: status.id,
        content: status.content,
        spoiler_text: status.spoiler_text,
        sensitive: status.sensitive,
        poll_options: poll?.options ?? null,
        media_ids: null,
        created_at: status.edited_at ?? status.created_at,
      }];
  const byId = new Map(current.map((m) => [m.id, m]));
  return versions.map((edit) => {
    const ids = edit.media_ids ? (JSON.parse(edit.media_ids) as string[]) : null;
    const withPoll = edit.poll_options === null && poll ? { ...edit, poll_options: poll.options } : edit;
    return { edit: withPoll, media: ids ? ids.flatMap((id) => byId.get(id) ?? []) : current };
  });
}
