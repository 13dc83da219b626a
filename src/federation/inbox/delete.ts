import type { Delete } from "@fedify/vocab";
import { DomainError } from "../../domain/errors.ts";
import { deleteStatus, getStatusByUri } from "../../domain/statuses.ts";
import { admit, refuse, sameOrigin, type InboxCtx } from "../gate.ts";
import { deletedMarker, markApplied } from "./status-support.ts";

/**
 * Delete of a post (a Tombstone, the Note, or just its id): only the stored author may. The id is
 * all that is read; nothing is fetched, since the object is gone at its origin.
 */
export async function onDeleteStatus(ictx: InboxCtx, del: Delete): Promise<void> {
  const admission = await admit(ictx, del);
  if (!admission.ok) return refuse(ictx, del, admission.reason);
  const { sender, activityId } = admission;
  const objectId = del.objectId;
  if (!objectId) return refuse(ictx, del, "deletes nothing");
  const status = await getStatusByUri(ictx.data, objectId.href);
  if (!status) {
    // Deliveries cross: remember it, so a Create arriving after its Delete is not stored.
    if (sameOrigin(objectId, sender.uri)) await markApplied(ictx, deletedMarker(objectId.href));
    return refuse(ictx, del, "unknown object");
  }
  if (status.account_id !== sender.id) return refuse(ictx, del, "only the author may delete a post");
  if (!status.deleted_at) {
    try {
      await deleteStatus(ictx.data, status.id, sender.id);
    } catch (err) {
      // A concurrent delivery of the same Delete got there first.
      if (!(err instanceof DomainError && err.code === "not_found")) throw err;
    }
  }
  await markApplied(ictx, activityId);
  ictx.data.log.debug({ activity: activityId, status: status.id }, "inbox: Delete");
}
