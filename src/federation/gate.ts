import type { InboxContext } from "@fedify/fedify";
import type { Activity, Object as APObject } from "@fedify/vocab";
import type { Account } from "../domain/accounts.ts";
import type { Ctx } from "../domain/context.ts";
import { isActivityApplied } from "../domain/inbox-activities.ts";
import { fetchObject, resolveActorUri, type FederationHandle, type LookupOptions } from "./lookup.ts";

/*
 * The authority gate every inbox listener passes before it changes anything. Fedify has
 * already checked that the HTTP signature (or LD signature / integrity proof) belongs to the
 * activity's actor; the gate checks what the actor may speak for:
 *
 *  - the activity's id lives on the actor's origin (no one names activities for another server);
 *  - the actor is an account we can resolve and that is not deleted;
 *  - objects carried from another origin are fetched again from there, never taken as carried;
 *  - Update/Delete/Undo only from the stored owner of what they change (isOwner, per listener);
 *  - Accept/Reject only for a Follow we sent to that actor (checked in domain/follows.ts).
 *
 * Expected refusals are logged at info level and the listener returns; it never throws for
 * them, so Fedify answers 202 and the sender does not retry something that will never pass.
 */

export type InboxCtx = InboxContext<Ctx>;

export type Admission = { ok: true; activityId: string; sender: Account } | { ok: false; reason: string };

export function handleOf(ictx: InboxCtx): FederationHandle {
  return { federation: ictx.federation, ctx: ictx.data };
}

export function lookupOptions(ictx: InboxCtx): LookupOptions {
  return { documentLoader: ictx.documentLoader, contextLoader: ictx.contextLoader };
}

export function sameOrigin(a: URL | string | null | undefined, b: URL | string | null | undefined): boolean {
  if (!a || !b) return false;
  const x = typeof a === "string" ? URL.parse(a) : a;
  const y = typeof b === "string" ? URL.parse(b) : b;
  return !!x && !!y && x.origin === y.origin;
}

/** Logs why an activity is ignored; `return refuse(…)` from a listener. */
export function refuse(ictx: InboxCtx, activity: Activity, reason: string): void {
  ictx.data.log.info(
    { activity: activity.id?.href ?? null, type: activity.constructor.name, actor: activity.actorId?.href ?? null, reason },
    "inbox: activity refused",
  );
}

export async function admit(ictx: InboxCtx, activity: Activity): Promise<Admission> {
  const id = activity.id;
  const actorId = activity.actorId;
  if (!id) return { ok: false, reason: "activity has no id" };
  if (!actorId) return { ok: false, reason: "activity has no actor" };
  if (!sameOrigin(id, actorId)) return { ok: false, reason: "activity id is not on the actor's origin" };
  if (sameOrigin(actorId, ictx.data.config.url)) return { ok: false, reason: "activity claims to come from this server" };
  if (await isActivityApplied(ictx.data.db, id.href)) return { ok: false, reason: "already applied" };
  const sender = await resolveActorUri(handleOf(ictx), actorId.href, lookupOptions(ictx));
  if (!sender) return { ok: false, reason: "actor could not be resolved or is gone" };
  if (sender.domain === null) return { ok: false, reason: "actor is local" };
  return { ok: true, activityId: id.href, sender };
}

/** The stored owner (by URI) of what an Update/Delete/Undo changes must be the sender. */
export function isOwner(ownerUri: string | null | undefined, sender: Account): boolean {
  return !!ownerUri && ownerUri === sender.uri;
}

/**
 * The activity's object, trustworthy: what the (verified) actor carried when it comes from the
 * activity's own origin, otherwise fetched again from its origin and checked to be what its id
 * says. Null when it cannot be had.
 */
export async function objectOf(ictx: InboxCtx, activity: Activity): Promise<APObject | null> {
  const objectId = activity.objectId;
  const options = lookupOptions(ictx);
  if (objectId && !sameOrigin(objectId, activity.id)) {
    try {
      return await fetchObject(handleOf(ictx), objectId.href, options);
    } catch (err) {
      ictx.data.log.info({ err, uri: objectId.href }, "could not fetch an activity's object");
      return null;
    }
  }
  return activity.getObject({ ...options, crossOrigin: "trust", suppressError: true });
}

const offline = async (url: string): Promise<never> => {
  throw new Error(`not fetched: ${url}`);
};

/**
 * Only what the activity carries embedded, never fetched: for an Undo or an Accept, whose
 * object is the sender's own or our own activity, identified by id against our records.
 */
export async function carriedObject(ictx: InboxCtx, activity: Activity): Promise<APObject | null> {
  return activity.getObject({ documentLoader: offline, contextLoader: ictx.contextLoader, crossOrigin: "trust", suppressError: true });
}
