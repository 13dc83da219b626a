import type { Update } from "@fedify/vocab";
import { getStatusByUri } from "../../domain/statuses.ts";
import { updateRemoteStatus } from "../../domain/status-edits.ts";
import { admit, isOwner, objectOf, refuse, type InboxCtx } from "../gate.ts";
import { fromNote, isPostObject } from "../mappers/note-in.ts";
import { resolveActorUri } from "../lookup.ts";
import { markApplied, rawObjectJson, threadEnvOf } from "./status-support.ts";

/**
 * Update of a post (an edit, or a Question's new vote counts): only from the stored author, about
 * a post we have. Unknown posts are not fetched here; they arrive, already edited, when someone
 * asks for them.
 */
export async function onUpdateStatus(ictx: InboxCtx, update: Update): Promise<void> {
  const admission = await admit(ictx, update);
  if (!admission.ok) return refuse(ictx, update, admission.reason);
  const { sender, activityId } = admission;
  const object = await objectOf(ictx, update);
  if (!object?.id || !isPostObject(object)) return refuse(ictx, update, "not a post");
  const status = await getStatusByUri(ictx.data, object.id.href);
  if (!status || status.deleted_at) return refuse(ictx, update, "unknown or deleted post");
  if (status.account_id !== sender.id || !isOwner(object.attributionIds[0]?.href, sender)) {
    return refuse(ictx, update, "only the author may edit a post");
  }
  const env = threadEnvOf(ictx);
  const data = await fromNote(ictx.data, object, {
    accountId: sender.id,
    followersUrl: sender.followers_url,
    raw: await rawObjectJson(update, object),
    resolveAccount: async (uri) => (await resolveActorUri(env.app, uri.href, env.options))?.id ?? null,
  });
  if (!data) return refuse(ictx, update, "object could not be read");
  const result = await updateRemoteStatus(ictx.data, status.id, data);
  await markApplied(ictx, activityId);
  ictx.data.log.debug({ activity: activityId, result }, "inbox: Update");
}
