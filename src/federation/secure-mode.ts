import type { RequestContext } from "@fedify/fedify";
import type { CryptographicKey } from "@fedify/vocab";
import type { Ctx } from "../domain/context.ts";
import { instanceDocumentLoader } from "./instance-actor.ts";

/*
 * Secure mode (WEFT_AUTHORIZED_FETCH=true), as Mastodon's AUTHORIZED_FETCH: posts, their
 * activities and every collection are served only to requests with an HTTP signature Fedify can
 * verify; others get 401. Actors are served to unsigned requests too, but only as what a server
 * needs to check their signatures and write to them (actor.ts, `keysOnly`) — otherwise two servers
 * in secure mode could never fetch each other's keys. The instance actor, WebFinger and NodeInfo
 * stay open.
 */

/**
 * The verified key of a signed GET, or null. The signer's key is fetched as the instance actor,
 * so a signer whose own server is in secure mode can still be checked.
 */
export async function signedKeyOf(fctx: RequestContext<Ctx>): Promise<CryptographicKey | null> {
  if (!fctx.request.headers.has("signature") && !fctx.request.headers.has("signature-input")) return null;
  try {
    return await fctx.getSignedKey({ documentLoader: await instanceDocumentLoader(fctx) });
  } catch (err) {
    fctx.data.log.info({ err, url: fctx.request.url }, "signature of a GET could not be checked");
    return null;
  }
}

/** Fedify authorize predicate for objects and collections: anyone, or in secure mode only signed requests. */
export async function signedIfSecure(fctx: RequestContext<Ctx>): Promise<boolean> {
  if (!fctx.data.config.authorizedFetch) return true;
  return (await signedKeyOf(fctx)) !== null;
}

/** Whether an actor should be served whole: always, except in secure mode to an unsigned request. */
export async function servesWholeActor(fctx: RequestContext<Ctx>): Promise<boolean> {
  if (!fctx.data.config.authorizedFetch) return true;
  // WebFinger asks the actor dispatcher for links; it needs no more than the restricted actor.
  if (new URL(fctx.request.url).pathname.startsWith("/.well-known/")) return false;
  return (await signedKeyOf(fctx)) !== null;
}
