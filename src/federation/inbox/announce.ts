import { Activity, type Announce } from "@fedify/vocab";
import { DomainError } from "../../domain/errors.ts";
import { reblog, unreblogByUri } from "../../domain/reblogs.ts";
import { getStatusByUri, type Status } from "../../domain/statuses.ts";
import { storePostObject } from "../fetch-thread.ts";
import { admit, objectOf, refuse, sameOrigin, type InboxCtx } from "../gate.ts";
import { isPostObject, visibilityOf } from "../mappers/note-in.ts";
import { toDate } from "../mappers/time.ts";
import type { UndoArgs } from "./undo.ts";
import { markApplied, rawObjectJson, threadEnvOf } from "./status-support.ts";

/**
 * Announce (a boost) by the actor. The boosted post is ours, known, or fetched from its own
 * origin (a copy carried from anywhere else is not believed). Boosts of activities (Lemmy's
 * groups announce whole Creates) are not posts and are left alone.
 */
export async function onAnnounce(ictx: InboxCtx, announce: Announce): Promise<void> {
  const admission = await admit(ictx, announce);
  if (!admission.ok) return refuse(ictx, announce, admission.reason);
  const { sender, activityId } = admission;
  const objectId = announce.objectId;
  if (!objectId) return refuse(ictx, announce, "announces nothing");
  let status: Status | null = (await getStatusByUri(ictx.data, objectId.href)) ?? null;
  if (!status && !sameOrigin(objectId, ictx.data.config.url)) {
    const object = await objectOf(ictx, announce);
    if (object instanceof Activity) return refuse(ictx, announce, "announces an activity, not a post");
    if (!object || !isPostObject(object)) return refuse(ictx, announce, "announced object could not be had");
    status = await storePostObject(threadEnvOf(ictx), object, { raw: await rawObjectJson(announce, object) });
  }
  if (!status || status.deleted_at || status.reblog_of_id) return refuse(ictx, announce, "announced post is unknown or gone");
  const visibility = visibilityOf(announce.toIds, announce.ccIds, sender.followers_url);
  try {
    await reblog(ictx.data, sender.id, status.id, {
      // Addressed to no one in particular: shown no wider than to followers.
      visibility: visibility === "direct" ? "private" : visibility,
      remote: { uri: activityId, published: toDate(announce.published) ?? new Date() },
    });
  } catch (err) {
    if (err instanceof DomainError) return refuse(ictx, announce, `boost refused: ${err.message}`);
    throw err;
  }
  await markApplied(ictx, activityId);
  ictx.data.log.debug({ activity: activityId, status: status.id }, "inbox: Announce");
}

/** Undo(Announce): only the booster, found by the Announce's id. */
export async function undoAnnounce({ ictx, sender, activityId, undoneId }: UndoArgs): Promise<boolean> {
  if (!undoneId) return false;
  const result = await unreblogByUri(ictx.data, sender.id, undoneId);
  if (result === "absent") return false;
  await markApplied(ictx, activityId);
  return true;
}
