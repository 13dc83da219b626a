import { Activity, Follow, getTypeId, type Object as APObject, type Undo } from "@fedify/vocab";
import type { Account } from "../../domain/accounts.ts";
import { receiveUnfollow } from "../../domain/follows.ts";
import { findLocalActor } from "../../domain/local-actor.ts";
import { admit, carriedObject, refuse, sameOrigin, type InboxCtx } from "../gate.ts";
import { undoAnnounce } from "./announce.ts";
import { undoBlock } from "./block.ts";
import { undoLike } from "./like.ts";

/** What an Undo handler gets: the undone activity as carried (if embedded) and its id. */
export interface UndoArgs {
  ictx: InboxCtx;
  undo: Undo;
  /** the verified sender, owner of the undone activity */
  sender: Account;
  activityId: string;
  undoneId: string | null;
  /** the embedded activity, already checked to be the sender's own; null when only named by id */
  undone: APObject | null;
}

/** Returns true when it recognised the undone activity (and undid it, or found it already undone). */
export type UndoHandler = (args: UndoArgs) => Promise<boolean>;

/**
 * Undo handlers by the ActivityStreams type of the undone activity. The statuses side adds
 * `Like` and `Announce` here (import the handler, add a line). When the Undo only names the
 * undone activity by id, every handler is tried in this order until one recognises the id.
 */
export const undoHandlers: Record<string, UndoHandler> = {
  Follow: undoFollow,
  Like: undoLike,
  EmojiReact: undoLike,
  Announce: undoAnnounce,
  Block: undoBlock,
};

export async function onUndo(ictx: InboxCtx, undo: Undo): Promise<void> {
  const admission = await admit(ictx, undo);
  if (!admission.ok) return refuse(ictx, undo, admission.reason);
  const { sender, activityId } = admission;
  const undoneId = undo.objectId?.href ?? null;
  // Only the owner undoes: what is undone must be the sender's, on the sender's origin.
  if (undoneId && !sameOrigin(undoneId, sender.uri)) return refuse(ictx, undo, "undoes an activity from another origin");
  const undone = await carriedObject(ictx, undo);
  if (undone instanceof Activity && undone.actorId?.href !== sender.uri) {
    return refuse(ictx, undo, "undoes someone else's activity");
  }
  const args: UndoArgs = { ictx, undo, sender, activityId, undoneId, undone };
  const type = undone ? typeName(undone) : null;
  if (type) {
    const handler = undoHandlers[type];
    if (!handler) return refuse(ictx, undo, `no handler for Undo(${type})`);
    if (!(await handler(args))) refuse(ictx, undo, `nothing to undo for Undo(${type})`);
    return;
  }
  for (const handler of Object.values(undoHandlers)) {
    if (await handler(args)) return;
  }
  refuse(ictx, undo, "the undone activity is unknown here");
}

function typeName(object: APObject): string {
  const id = getTypeId(object).href;
  return id.slice(Math.max(id.lastIndexOf("#"), id.lastIndexOf("/")) + 1);
}

async function undoFollow({ ictx, sender, activityId, undoneId, undone }: UndoArgs): Promise<boolean> {
  let targetId: string | null = null;
  if (undone instanceof Follow && undone.objectId) {
    const parsed = ictx.parseUri(undone.objectId);
    if (parsed?.type === "actor") targetId = (await findLocalActor(ictx.data, parsed.identifier))?.account.id ?? null;
  }
  const result = await receiveUnfollow(ictx.data, { followerId: sender.id, followUri: undoneId, targetId, activityId });
  return result !== "unknown";
}
