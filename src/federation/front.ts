import type { Ctx } from "../domain/context.ts";
import { paths } from "../domain/uris.ts";
import type { WeftFederation } from "./index.ts";
import { instanceWebFinger, serveInstanceActor } from "./instance-actor.ts";
import { guardInbox, isInboxPost } from "./limits.ts";

export interface FrontDeps {
  federation: WeftFederation;
  ctx: Ctx;
}

/**
 * Everything federation answers over HTTP, in front of the Hono routes: inbox limits, host-meta,
 * the instance actor (instance-actor.ts), then Fedify (actors, collections, inboxes, WebFinger,
 * NodeInfo). What Fedify does not serve, or is asked for as HTML, goes to `fallback`.
 */
export async function handleFederationRequest(
  deps: FrontDeps,
  request: Request,
  fallback: (request: Request) => Response | Promise<Response>,
): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/.well-known/host-meta" || url.pathname === "/.well-known/host-meta.json") {
    if (request.method !== "GET" && request.method !== "HEAD") return fallback(request);
    return hostMeta(deps.ctx, url.pathname.endsWith(".json") || wantsJson(request));
  }
  if (url.pathname === "/.well-known/webfinger") {
    const instance = instanceWebFinger(deps.ctx, request);
    if (instance) return instance;
  }
  if (url.pathname.startsWith("/actor")) {
    const fctx = deps.federation.createContext(request, deps.ctx);
    const instance = await serveInstanceActor(fctx, request);
    if (instance) return instance;
  }
  let forward = request;
  if (isInboxPost(request)) {
    const guarded = await guardInbox(request);
    if (guarded instanceof Response) return guarded;
    forward = guarded;
  }
  const response = await deps.federation.fetch(forward, {
    contextData: deps.ctx,
    onNotFound: fallback,
    // An object asked for as HTML falls through to the public pages.
    onNotAcceptable: fallback,
  });
  if (url.pathname === "/.well-known/webfinger") return canonicalWebFinger(deps.ctx, response);
  const served =
    request.method === "GET" && response.status === 200 && url.pathname.includes("/statuses/") ? await goneIfTombstone(response) : response;
  return deps.ctx.config.authorizedFetch && url.pathname.startsWith(paths.actor("")) ? varyBySignature(served) : served;
}

/** In secure mode the same URL answers differently to signed requests; caches must know. */
function varyBySignature(response: Response): Response {
  if (!/activity\+json|ld\+json/.test(response.headers.get("content-type") ?? "") && response.status !== 401) return response;
  const headers = new Headers(response.headers);
  headers.set("Vary", [headers.get("Vary"), "Signature"].filter(Boolean).join(", "));
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * A deleted post is served as a Tombstone (Fedify's object dispatchers can only answer with an
 * object), but with 410 Gone, as Mastodon does: some servers only drop their copy on a 410.
 */
async function goneIfTombstone(response: Response): Promise<Response> {
  if (!/json/.test(response.headers.get("content-type") ?? "")) return response;
  const body = await response.text();
  let type: unknown;
  try {
    type = (JSON.parse(body) as { type?: unknown }).type;
  } catch {
    type = undefined;
  }
  return new Response(body, { status: type === "Tombstone" ? 410 : 200, headers: response.headers });
}

function wantsJson(request: Request): boolean {
  const accept = request.headers.get("accept") ?? "";
  return /application\/(jrd\+)?json/.test(accept) && !/xml/.test(accept);
}

/** RFC 6415 host-meta: where WebFinger lives, for clients that look there first. */
function hostMeta(ctx: Ctx, json: boolean): Response {
  const template = `${ctx.config.url.origin}/.well-known/webfinger?resource={uri}`;
  if (json) {
    return new Response(JSON.stringify({ links: [{ rel: "lrdd", template }] }), {
      headers: { "Content-Type": "application/jrd+json; charset=utf-8", "Access-Control-Allow-Origin": "*" },
    });
  }
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n' +
    `  <Link rel="lrdd" template="${template.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}"/>\n` +
    "</XRD>\n";
  return new Response(xml, {
    headers: { "Content-Type": "application/xrd+xml; charset=utf-8", "Access-Control-Allow-Origin": "*" },
  });
}

/**
 * Fedify echoes the queried handle as the subject (acct:ALICE@host when asked so); Mastodon
 * answers with the canonical one, which clients store. Fedify derives the profile-page link from
 * the actor's `url` but leaves out its type, which Mastodon gives as text/html. And a deleted
 * account is simply unknown to WebFinger (Fedify says 410 when asked by actor URI).
 */
async function canonicalWebFinger(ctx: Ctx, response: Response): Promise<Response> {
  if (response.status === 410) return new Response("Not found", { status: 404 });
  if (!response.ok) return response;
  let jrd: { subject?: string; aliases?: string[]; links?: Array<{ rel: string; href?: string; type?: string }> };
  try {
    jrd = await response.clone().json();
  } catch {
    return response;
  }
  const links = (jrd.links ?? []).map((l) =>
    l.rel === "http://webfinger.net/rel/profile-page" && !l.type ? { ...l, type: "text/html" } : l,
  );
  let { subject, aliases } = jrd;
  const self = links.find((l) => l.rel === "self")?.href;
  const prefix = `${ctx.config.url.origin}${paths.actor("")}`;
  if (subject?.startsWith("acct:") && self?.startsWith(prefix)) {
    subject = `acct:${decodeURIComponent(self.slice(prefix.length))}@${ctx.config.url.host}`;
    aliases = (aliases ?? []).filter((a) => a !== subject);
  }
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify({ ...jrd, subject, aliases, links }), { status: response.status, headers });
}
