import type { Reject } from "@fedify/vocab";
import { receiveFollowReject } from "../../domain/follows.ts";
import { admit, refuse, type InboxCtx } from "../gate.ts";
import { answeredFollow } from "./answer.ts";

/** Reject of a Follow we sent (pending or already accepted): the request or follow ends. */
export async function onReject(ictx: InboxCtx, reject: Reject): Promise<void> {
  const admission = await admit(ictx, reject);
  if (!admission.ok) return refuse(ictx, reject, admission.reason);
  const answer = await answeredFollow(ictx, reject, admission.sender.id, admission.activityId);
  if (!answer) return refuse(ictx, reject, "does not name a Follow");
  const result = await receiveFollowReject(ictx.data, answer);
  if (result === "unknown") return refuse(ictx, reject, "no Follow of ours to this actor matches");
  ictx.data.log.debug({ activity: admission.activityId, result }, "inbox: Reject");
}
