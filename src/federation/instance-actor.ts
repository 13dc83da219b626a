import { importJwk, respondWithObjectIfAcceptable, type Context, type SenderKeyPair } from "@fedify/fedify";
import { Application, CryptographicKey, Endpoints, Multikey, OrderedCollection } from "@fedify/vocab";
import type { DocumentLoader } from "@fedify/vocab-runtime";
import type { Ctx } from "../domain/context.ts";
import { generateActorKeys, type StoredKeys } from "../domain/keys.ts";
import { paths } from "../domain/uris.ts";
import type { Db } from "../db/index.ts";

/*
 * The instance actor: an Application at /actor named after the host (acct:host@host), as on
 * Mastodon. It signs every fetch Weft makes that no local account makes for itself — resolving
 * accounts and posts, fetching keys to verify deliveries to the shared inbox — because servers in
 * authorized-fetch mode (GoToSocial always, Mastodon in secure mode) answer unsigned GETs with 401.
 * It is always served to anyone: a server checking its signature must be able to fetch its key
 * without signing in turn.
 *
 * Its keys are generated once and kept in instance_settings under INSTANCE_KEYS_SETTING (no
 * accounts row, so it never shows up as a user, in search or in counts).
 */

export const INSTANCE_ACTOR_PATH = "/actor";
export const INSTANCE_OUTBOX_PATH = "/actor/outbox";
export const INSTANCE_KEYS_SETTING = "instance_actor_keys";

interface InstanceKeys {
  rsa: CryptoKeyPair;
  ed25519: CryptoKeyPair;
}

// Per database: tests run several Weft apps in one process.
const cache = new WeakMap<Db, Promise<InstanceKeys>>();

export function instanceActorUri(config: Ctx["config"]): URL {
  return new URL(INSTANCE_ACTOR_PATH, config.url.origin);
}

/** The handle's username and domain are both the host, as Mastodon's `acct:mastodon.social@mastodon.social`. */
export function instanceHandle(config: Ctx["config"]): string {
  return `${config.url.host}@${config.url.host}`;
}

export function instanceKeys(ctx: Ctx): Promise<InstanceKeys> {
  let pending = cache.get(ctx.db);
  if (!pending) {
    pending = loadOrCreateKeys(ctx);
    cache.set(ctx.db, pending);
    pending.catch(() => cache.delete(ctx.db));
  }
  return pending;
}

async function loadOrCreateKeys(ctx: Ctx): Promise<InstanceKeys> {
  let stored = await readStored(ctx);
  if (!stored) {
    const fresh = JSON.stringify(await generateActorKeys());
    // Two processes (web and worker) may start together: the first insert wins, both read it back.
    await ctx.db
      .insertInto("instance_settings")
      .values({ key: INSTANCE_KEYS_SETTING, value: fresh })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
    stored = await readStored(ctx);
    if (!stored) throw new Error("instance actor keys could not be stored");
    ctx.log.info("generated the instance actor's keys");
  }
  return {
    rsa: { publicKey: await importJwk(stored.rsa.publicJwk, "public"), privateKey: await importJwk(stored.rsa.privateJwk, "private") },
    ed25519: {
      publicKey: await importJwk(stored.ed25519.publicJwk, "public"),
      privateKey: await importJwk(stored.ed25519.privateJwk, "private"),
    },
  };
}

async function readStored(ctx: Ctx): Promise<StoredKeys | null> {
  const row = await ctx.db.selectFrom("instance_settings").select("value").where("key", "=", INSTANCE_KEYS_SETTING).executeTakeFirst();
  if (!row) return null;
  const parsed = JSON.parse(row.value) as StoredKeys;
  if (!parsed?.rsa?.privateJwk || !parsed?.ed25519?.privateJwk) throw new Error("instance actor keys are unreadable");
  return parsed;
}

/** What Fedify signs with on the instance actor's behalf (RSA, `/actor#main-key`, as Mastodon names it). */
export async function instanceSigner(ctx: Ctx): Promise<SenderKeyPair> {
  const keys = await instanceKeys(ctx);
  return { keyId: new URL(`${instanceActorUri(ctx.config).href}#main-key`), privateKey: keys.rsa.privateKey };
}

/**
 * A document loader whose GETs are signed by the instance actor. Like every authenticated loader
 * in Fedify it does not cache; Weft keeps what it fetched in its own tables.
 */
export async function instanceDocumentLoader(fctx: Context<Ctx>): Promise<DocumentLoader> {
  const signed = fctx.getDocumentLoader(await instanceSigner(fctx.data));
  // A fragment never goes over the wire, but Fedify's RFC 9421 signer puts it in @target-uri (a
  // key id such as …/users/bob#main-key), so the other side cannot verify it and a double knock
  // follows. Fetching without it is the same request, signed as it arrives.
  return (url, options) => signed(url.replace(/#.*$/, ""), options);
}

export async function buildInstanceActor(fctx: Context<Ctx>): Promise<Application> {
  const config = fctx.data.config;
  const id = instanceActorUri(config);
  const keys = await instanceKeys(fctx.data);
  return new Application({
    id,
    preferredUsername: config.url.host,
    name: config.url.host,
    url: new URL("/about", config.url.origin),
    // Nobody writes to it; what arrives goes through the shared inbox like everything else.
    inbox: new URL(paths.sharedInbox(), config.url.origin),
    outbox: new URL(INSTANCE_OUTBOX_PATH, config.url.origin),
    endpoints: new Endpoints({ sharedInbox: new URL(paths.sharedInbox(), config.url.origin) }),
    manuallyApprovesFollowers: true,
    publicKey: new CryptographicKey({ id: new URL(`${id.href}#main-key`), owner: id, publicKey: keys.rsa.publicKey }),
    assertionMethods: [new Multikey({ id: new URL(`${id.href}#ed25519-key`), controller: id, publicKey: keys.ed25519.publicKey })],
  });
}

/**
 * GET /actor and /actor/outbox as ActivityStreams; null for anything else (or an HTML request),
 * which then goes on to the other routes.
 */
export async function serveInstanceActor(fctx: Context<Ctx>, request: Request): Promise<Response | null> {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  const path = new URL(request.url).pathname;
  let object;
  if (path === INSTANCE_ACTOR_PATH) object = await buildInstanceActor(fctx);
  else if (path === INSTANCE_OUTBOX_PATH) {
    object = new OrderedCollection({ id: new URL(INSTANCE_OUTBOX_PATH, fctx.data.config.url.origin), totalItems: 0, items: [] });
  } else return null;
  return respondWithObjectIfAcceptable(object, request, { contextLoader: fctx.contextLoader });
}

/** WebFinger for the instance actor (by its handle or its URI), shaped as Mastodon answers it. */
export function instanceWebFinger(ctx: Ctx, request: Request): Response | null {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  const resource = new URL(request.url).searchParams.get("resource")?.trim();
  if (!resource) return null;
  const id = instanceActorUri(ctx.config).href;
  const handle = instanceHandle(ctx.config);
  const asked = resource.replace(/^acct:/i, "").replace(/^@/, "").toLowerCase();
  if (asked !== handle.toLowerCase() && resource !== id) return null;
  const jrd = {
    subject: `acct:${handle}`,
    aliases: [id],
    links: [
      { rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: new URL("/about", ctx.config.url.origin).href },
      { rel: "self", type: "application/activity+json", href: id },
    ],
  };
  return new Response(JSON.stringify(jrd), {
    headers: { "Content-Type": "application/jrd+json; charset=utf-8", "Access-Control-Allow-Origin": "*" },
  });
}
