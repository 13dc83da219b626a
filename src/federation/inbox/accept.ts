import type { Accept } from "@fedify/vocab";
import { receiveFollowAccept } from "../../domain/follows.ts";
import { admit, refuse, type InboxCtx } from "../gate.ts";
import { answeredFollow } from "./answer.ts";

/** Accept of a Follow we sent: the follow request becomes a follow. */
export async function onAccept(ictx: InboxCtx, accept: Accept): Promise<void> {
  const admission = await admit(ictx, accept);
  if (!admission.ok) return refuse(ictx, accept, admission.reason);
  const answer = await answeredFollow(ictx, accept, admission.sender.id, admission.activityId);
  if (!answer) return refuse(ictx, accept, "does not name a Follow");
  const result = await receiveFollowAccept(ictx.data, answer);
  if (result === "unknown") return refuse(ictx, accept, "no Follow of ours to this actor matches");
  ictx.data.log.debug({ activity: admission.activityId, result }, "inbox: Accept");
}
