import type { EmojiReact, Like } from "@fedify/vocab";
import { DomainError } from "../../domain/errors.ts";
import { favourite, unfavouriteByUri } from "../../domain/favourites.ts";
import { getStatusByUri } from "../../domain/statuses.ts";
import { admit, refuse, type InboxCtx } from "../gate.ts";
import type { UndoArgs } from "./undo.ts";
import { markApplied } from "./status-support.ts";

/**
 * Like of one of our posts (Misskey's and Pleroma's EmojiReact count as a like). Likes of remote
 * posts are the origin's to count, as on Mastodon. Private posts only by those who may see them.
 */
export async function onLike(ictx: InboxCtx, like: Like | EmojiReact): Promise<void> {
  const admission = await admit(ictx, like);
  if (!admission.ok) return refuse(ictx, like, admission.reason);
  const { sender, activityId } = admission;
  const objectId = like.objectId;
  const status = objectId ? await getStatusByUri(ictx.data, objectId.href) : undefined;
  if (!status || status.local !== 1 || status.deleted_at || status.reblog_of_id) return refuse(ictx, like, "not a post of ours");
  try {
    const result = await favourite(ictx.data, sender.id, status.id, { uri: activityId });
    ictx.data.log.debug({ activity: activityId, result }, "inbox: Like");
  } catch (err) {
    if (err instanceof DomainError) return refuse(ictx, like, `like refused: ${err.message}`);
    throw err;
  }
  await markApplied(ictx, activityId);
}

/** Undo(Like) / Undo(EmojiReact): only the liker, found by the Like's id. */
export async function undoLike({ ictx, sender, activityId, undoneId }: UndoArgs): Promise<boolean> {
  if (!undoneId) return false;
  const result = await unfavouriteByUri(ictx.data, sender.id, undoneId);
  if (result === "absent") return false;
  await markApplied(ictx, activityId);
  return true;
}
