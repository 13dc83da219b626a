import { Block } from "@fedify/vocab";
import { receiveBlock, receiveUnblock } from "../../domain/blocks.ts";
import { findLocalActor } from "../../domain/local-actor.ts";
import { admit, refuse, type InboxCtx } from "../gate.ts";
import type { UndoArgs } from "./undo.ts";

/**
 * Block of a local account by a remote one. Mastodon ends the follows both ways and remembers it;
 * so does Weft (domain/blocks.ts), and the blocked account stops hearing from the blocker.
 */
export async function onBlock(ictx: InboxCtx, block: Block): Promise<void> {
  const admission = await admit(ictx, block);
  if (!admission.ok) return refuse(ictx, block, admission.reason);
  const target = await localTarget(ictx, block.objectId);
  if (!target) return refuse(ictx, block, "object is not one of our accounts");
  const result = await receiveBlock(ictx.data, {
    blockerId: admission.sender.id,
    targetId: target,
    uri: admission.activityId,
    activityId: admission.activityId,
  });
  ictx.data.log.debug({ activity: admission.activityId, result }, "inbox: Block");
}

/** Undo(Block): only the blocker, naming the Block by id (or embedding it, naming its target). */
export async function undoBlock({ ictx, sender, activityId, undoneId, undone }: UndoArgs): Promise<boolean> {
  const targetId = undone instanceof Block ? await localTarget(ictx, undone.objectId) : null;
  const result = await receiveUnblock(ictx.data, { blockerId: sender.id, uri: undoneId, targetId, activityId });
  return result !== "unknown";
}

async function localTarget(ictx: InboxCtx, objectId: URL | null): Promise<string | null> {
  const parsed = objectId ? ictx.parseUri(objectId) : null;
  if (parsed?.type !== "actor") return null;
  const found = await findLocalActor(ictx.data, parsed.identifier);
  return found && found.state !== "deleted" ? found.account.id : null;
}
