import type { Activity, Object as APObject } from "@fedify/vocab";
import type { Account } from "../../domain/accounts.ts";
import { findLocalActor } from "../../domain/local-actor.ts";
import { claimActivity, isActivityApplied } from "../../domain/inbox-activities.ts";
import type { ThreadEnv } from "../fetch-thread.ts";
import { handleOf, lookupOptions, type InboxCtx } from "../gate.ts";

/* Small things the status listeners (create, update, delete, like, announce) share. */

export function threadEnvOf(ictx: InboxCtx): ThreadEnv {
  return { app: handleOf(ictx), options: lookupOptions(ictx) };
}

/**
 * The object's JSON as it arrived (embedded in the activity, or as fetched), for what Fedify's
 * vocabulary drops on parsing: blurhash, focalPoint, Lemmy's language.
 */
export async function rawObjectJson(activity: Activity, object: APObject): Promise<unknown> {
  try {
    const json = (await activity.toJsonLd()) as { object?: { id?: unknown } } | null;
    if (json?.object && typeof json.object === "object" && json.object.id === object.id?.href) return json.object;
    return await object.toJsonLd();
  } catch {
    return null;
  }
}

/** Delivered to a personal inbox whose owner blocks the sender: dropped, as Mastodon does. */
export async function recipientBlocks(ictx: InboxCtx, sender: Account): Promise<boolean> {
  if (!ictx.recipient) return false;
  const found = await findLocalActor(ictx.data, ictx.recipient);
  if (!found) return false;
  const block = await ictx.data.db
    .selectFrom("blocks")
    .select("id")
    .where("account_id", "=", found.account.id)
    .where("target_account_id", "=", sender.id)
    .executeTakeFirst();
  return !!block;
}

/** The id under which a Delete of a post we never had is remembered (in inbox_activities, pruned with it). */
export function deletedMarker(objectUri: string): string {
  return `deleted:${objectUri}`;
}

export async function wasDeletedBeforehand(ictx: InboxCtx, objectUri: string): Promise<boolean> {
  return isActivityApplied(ictx.data.db, deletedMarker(objectUri));
}

/** Remembers the activity id once applied, so a redelivery is refused at the gate. */
export async function markApplied(ictx: InboxCtx, activityId: string): Promise<void> {
  await claimActivity(ictx.data.db, activityId);
}
