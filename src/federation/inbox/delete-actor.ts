import type { RequestContext, UnverifiedActivityReason } from "@fedify/fedify";
import { Delete, type Activity } from "@fedify/vocab";
import { getAccountByUri } from "../../domain/accounts.ts";
import type { Ctx } from "../../domain/context.ts";
import { deleteRemoteAccount } from "../../domain/remote-accounts.ts";
import { refuse, sameOrigin, type InboxCtx } from "../gate.ts";
import { instanceDocumentLoader } from "../instance-actor.ts";
import { fetchObject } from "../lookup.ts";

/** Delete whose object is its own actor: the account is gone. */
export function isActorDelete(activity: Activity): boolean {
  return activity instanceof Delete && !!activity.objectId && activity.objectId.href === activity.actorId?.href;
}

/**
 * The actor deleted itself. Signed by the actor (Fedify checked), on the actor's origin, about the
 * actor: nothing else to ask. An actor we never stored has nothing to remove.
 */
export async function onDeleteActor(ictx: InboxCtx, del: Delete): Promise<void> {
  const actorId = del.actorId;
  if (!del.id || !actorId || !sameOrigin(del.id, actorId)) return refuse(ictx, del, "activity id is not on the actor's origin");
  const account = await getAccountByUri(ictx.data, actorId.href);
  if (!account || account.domain === null) return refuse(ictx, del, "unknown actor");
  const result = await deleteRemoteAccount(ictx.data, account.id, { activityId: del.id.href });
  ictx.data.log.info({ actor: actorId.href, result }, "inbox: remote account deleted");
}

/**
 * A deleted actor's key cannot be fetched any more (its server answers 410), so the Delete
 * announcing it fails signature verification unless its key was still cached. Then the claim is
 * checked at the source instead: if the actor's own server says it is gone, it is.
 */
export async function onUnverifiedActorDelete(
  rctx: RequestContext<Ctx>,
  activity: Activity,
  reason: UnverifiedActivityReason,
): Promise<Response | void> {
  if (!isActorDelete(activity) || reason.type !== "keyFetchError") return;
  const status = "status" in reason.result ? reason.result.status : null;
  if (status !== 404 && status !== 410) return;
  const actorId = activity.actorId!;
  if (!activity.id || !sameOrigin(activity.id, actorId)) return;
  const ctx = rctx.data;
  const account = await getAccountByUri(ctx, actorId.href);
  if (!account || account.domain === null) return new Response(null, { status: 202 });
  // Uncached (authenticated loaders never cache): a copy from before the deletion must not vouch
  // for the actor. Signed, so a server in authorized-fetch mode answers 410 rather than 401.
  const documentLoader = await instanceDocumentLoader(rctx);
  try {
    const still = await fetchObject({ federation: rctx.federation, ctx }, actorId.href, { documentLoader, contextLoader: rctx.contextLoader });
    if (still) return;
  } catch {
    return;
  }
  await deleteRemoteAccount(ctx, account.id, { activityId: activity.id.href });
  ctx.log.info({ actor: actorId.href }, "inbox: remote account deleted (confirmed gone at its origin)");
  return new Response(null, { status: 202 });
}
