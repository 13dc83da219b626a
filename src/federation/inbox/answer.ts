import { Follow, type Accept, type Reject } from "@fedify/vocab";
import { findLocalActor } from "../../domain/local-actor.ts";
import type { FollowAnswer } from "../../domain/follows.ts";
import { carriedObject, sameOrigin, type InboxCtx } from "../gate.ts";

/**
 * Which of our Follows an Accept or Reject answers. Peers name it by the id we gave it, and
 * most also embed it; when the id is unknown (some servers make up their own), the embedded
 * Follow's actor tells which local account followed. Either way domain/follows.ts only matches
 * a follow whose target is the sender, so nobody can answer a Follow sent to someone else.
 */
export async function answeredFollow(
  ictx: InboxCtx,
  answer: Accept | Reject,
  remoteId: string,
  activityId: string,
): Promise<FollowAnswer | null> {
  const requestUri = answer.objectId?.href ?? null;
  let followerId: string | null = null;
  const inner = await carriedObject(ictx, answer);
  if (inner instanceof Follow && inner.actorId && sameOrigin(inner.actorId, ictx.data.config.url)) {
    const parsed = ictx.parseUri(inner.actorId);
    if (parsed?.type === "actor") {
      const found = await findLocalActor(ictx.data, parsed.identifier);
      if (found) followerId = found.account.id;
    }
  }
  if (!requestUri && !followerId) return null;
  return { remoteId, requestUri, followerId, activityId };
}
