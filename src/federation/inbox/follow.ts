import type { Follow } from "@fedify/vocab";
import { receiveFollow } from "../../domain/follows.ts";
import { findLocalActor } from "../../domain/local-actor.ts";
import { admit, refuse, type InboxCtx } from "../gate.ts";

/** Follow of a local account: accepted at once (an Accept is queued), or a request when locked. */
export async function onFollow(ictx: InboxCtx, follow: Follow): Promise<void> {
  const admission = await admit(ictx, follow);
  if (!admission.ok) return refuse(ictx, follow, admission.reason);
  const target = follow.objectId ? ictx.parseUri(follow.objectId) : null;
  if (target?.type !== "actor") return refuse(ictx, follow, "object is not one of our actors");
  const found = await findLocalActor(ictx.data, target.identifier);
  if (found?.state !== "active") return refuse(ictx, follow, "target account is gone or not federating");
  const result = await receiveFollow(ictx.data, {
    followerId: admission.sender.id,
    targetId: found.account.id,
    uri: admission.activityId,
    activityId: admission.activityId,
  });
  ictx.data.log.debug({ activity: admission.activityId, result }, "inbox: Follow");
}
