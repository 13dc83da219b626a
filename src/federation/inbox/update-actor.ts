import type { Actor, Update } from "@fedify/vocab";
import { admit, handleOf, isOwner, lookupOptions, refuse, type InboxCtx } from "../gate.ts";
import { storeActor } from "../lookup.ts";

/** Update(Person) and the like: the actor changed its profile; only the actor itself may say so. */
export async function onUpdateActor(ictx: InboxCtx, update: Update, actor: Actor): Promise<void> {
  const admission = await admit(ictx, update);
  if (!admission.ok) return refuse(ictx, update, admission.reason);
  if (!isOwner(actor.id?.href, admission.sender)) return refuse(ictx, update, "updates another actor");
  const stored = await storeActor(handleOf(ictx), actor, lookupOptions(ictx), admission.sender.domain ?? undefined);
  if (!stored) return refuse(ictx, update, "actor could not be stored");
  ictx.data.log.debug({ actor: actor.id?.href }, "inbox: actor updated");
}
