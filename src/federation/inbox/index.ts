import type { Federation } from "@fedify/fedify";
import { Accept, Announce, Block, Create, Delete, EmojiReact, Follow, isActor, Like, Reject, Undo, Update } from "@fedify/vocab";
import type { Ctx } from "../../domain/context.ts";
import { paths } from "../../domain/uris.ts";
import { carriedObject } from "../gate.ts";
import { instanceSigner } from "../instance-actor.ts";
import { onAccept } from "./accept.ts";
import { onAnnounce } from "./announce.ts";
import { onBlock } from "./block.ts";
import { onCreate } from "./create.ts";
import { onDeleteStatus } from "./delete.ts";
import { onLike } from "./like.ts";
import { isActorDelete, onDeleteActor, onUnverifiedActorDelete } from "./delete-actor.ts";
import { onFollow } from "./follow.ts";
import { onReject } from "./reject.ts";
import { onUndo } from "./undo.ts";
import { onUpdateActor } from "./update-actor.ts";
import { onUpdateStatus } from "./update.ts";

/*
 * One listener per activity type, each in its own module (guard clauses through gate.ts, then a
 * call into domain/). Types with no listener are answered 202 by Fedify and dropped.
 *
 * For the statuses side: register Create, Like and Announce here with `.on(…)`; Update and
 * Delete already dispatch on their object below, so add the non-actor branch there; Undo(Like)
 * and Undo(Announce) go in undoHandlers (undo.ts).
 */
export function registerInbox(federation: Federation<Ctx>): void {
  federation
    .setInboxListeners(paths.inbox("{identifier}") as "/users/{identifier}/inbox", paths.sharedInbox())
    // The same activity reaching a personal and the shared inbox is one activity (domain code
    // also claims each id in inbox_activities, in the transaction that applies it).
    .withIdempotency("global")
    // Keys (and objects) fetched for what arrives at the shared inbox are asked for as the
    // instance actor: servers in authorized-fetch mode refuse unsigned GETs. Personal inboxes
    // already fetch as their owner.
    .setSharedKeyDispatcher((fctx) => instanceSigner(fctx.data))
    .on(Follow, onFollow)
    .on(Block, onBlock)
    .on(Accept, onAccept)
    .on(Reject, onReject)
    .on(Undo, onUndo)
    .on(Create, onCreate)
    .on(Like, onLike)
    .on(EmojiReact, onLike)
    .on(Announce, onAnnounce)
    .on(Update, async (ictx, update) => {
      const object = await carriedObject(ictx, update);
      if (object && isActor(object)) return onUpdateActor(ictx, update, object);
      return onUpdateStatus(ictx, update);
    })
    .on(Delete, async (ictx, del) => {
      if (isActorDelete(del)) return onDeleteActor(ictx, del);
      return onDeleteStatus(ictx, del);
    })
    .onUnverifiedActivity(onUnverifiedActorDelete)
    .onError((fctx, error) => {
      fctx.data.log.error({ err: error }, "inbox listener failed; the activity will be retried");
    });
}
