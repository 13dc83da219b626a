import { Note, type Create, type Object as APObject } from "@fedify/vocab";
import type { Account } from "../../domain/accounts.ts";
import { recordRemoteVote } from "../../domain/polls.ts";
import { getStatusByUri } from "../../domain/statuses.ts";
import { storePostObject } from "../fetch-thread.ts";
import { admit, isOwner, objectOf, refuse, sameOrigin, type InboxCtx } from "../gate.ts";
import { isPostObject } from "../mappers/note-in.ts";
import { markApplied, rawObjectJson, recipientBlocks, threadEnvOf, wasDeletedBeforehand } from "./status-support.ts";

/**
 * Create(Note | Question | Article | Page | Video …): a post by the actor. The object must be
 * the actor's own, on the actor's origin; carried from elsewhere, it is fetched from its origin
 * (gate.objectOf) and then fails that test. A Create of a Note with only a `name`, answering a
 * local poll, is a vote.
 */
export async function onCreate(ictx: InboxCtx, create: Create): Promise<void> {
  const admission = await admit(ictx, create);
  if (!admission.ok) return refuse(ictx, create, admission.reason);
  const { sender, activityId } = admission;
  const object = await objectOf(ictx, create);
  if (!object?.id) return refuse(ictx, create, "object could not be had");
  if (!isOwner(object.attributionIds[0]?.href, sender)) return refuse(ictx, create, "object is not attributed to the actor");
  if (!sameOrigin(object.id, sender.uri)) return refuse(ictx, create, "object is not on the actor's origin");
  if (isPollVote(object)) return onVote(ictx, create, object, sender, activityId);
  if (!isPostObject(object)) return refuse(ictx, create, "not a kind of post kept here");
  if (await recipientBlocks(ictx, sender)) return refuse(ictx, create, "the recipient blocks the author");
  if (await wasDeletedBeforehand(ictx, object.id.href)) return refuse(ictx, create, "its Delete arrived first");
  const status = await storePostObject(threadEnvOf(ictx), object, { raw: await rawObjectJson(create, object), author: sender });
  if (!status) return refuse(ictx, create, "object could not be stored");
  await markApplied(ictx, activityId);
  ictx.data.log.debug({ activity: activityId, status: status.id }, "inbox: Create");
}

/** Mastodon's vote: a Note with a `name` (the option) and no content, in reply to the Question. */
function isPollVote(object: APObject): object is Note {
  return object instanceof Note && !!object.name && !!object.replyTargetId && !object.content;
}

async function onVote(ictx: InboxCtx, create: Create, note: Note, sender: Account, activityId: string): Promise<void> {
  const question = await getStatusByUri(ictx.data, note.replyTargetId!.href);
  if (!question || question.local !== 1 || !question.poll_id || question.deleted_at) {
    return refuse(ictx, create, "vote in a poll that is not ours");
  }
  const result = await recordRemoteVote(ictx.data, {
    accountId: sender.id,
    pollId: question.poll_id,
    optionTitle: String(note.name).trim(),
    uri: note.id!.href,
  });
  if (result === "rejected") return refuse(ictx, create, "vote rejected (closed poll, unknown option or second choice)");
  await markApplied(ictx, activityId);
  ictx.data.log.debug({ activity: activityId, result }, "inbox: poll vote");
}
