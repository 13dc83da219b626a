import type { Context } from "@fedify/fedify";
import { isActor, Object as APObject, type Actor } from "@fedify/vocab";
import { FetchError, type DocumentLoader } from "@fedify/vocab-runtime";
import type { ResourceDescriptor } from "@fedify/webfinger";
import { findAccountByHandle, getAccountByUri, type Account } from "../domain/accounts.ts";
import type { Ctx } from "../domain/context.ts";
import { DomainError } from "../domain/errors.ts";
import { deleteRemoteAccount, isStale, touchRemoteAccount, upsertRemoteAccount } from "../domain/remote-accounts.ts";
import type { WeftFederation } from "./index.ts";
import { instanceDocumentLoader } from "./instance-actor.ts";
import { actorToRemoteAccount, UnusableActorError } from "./mappers/actor.ts";

/** What lookups need from the running app (a WeftApp will do). */
export interface FederationHandle {
  federation: WeftFederation;
  ctx: Ctx;
}

export interface LookupOptions {
  /**
   * Defaults to a loader signed by the instance actor (instance-actor.ts), so servers that refuse
   * unsigned GETs still answer; inbox listeners pass theirs (signed by the recipient or, for the
   * shared inbox, by the instance actor). Tests serve fixtures through their own.
   */
  documentLoader?: DocumentLoader;
  /**
   * The local username to sign fetches as, when a local account is the one asking (a search by a
   * signed-in user), as Mastodon does: servers may show that account what they hide from others.
   * Ignored when `documentLoader` is given.
   */
  signAs?: string;
  contextLoader?: DocumentLoader;
  /** defaults to Fedify's WebFinger client; pass one that answers null to stay offline */
  lookupWebFinger?: (resource: string) => Promise<ResourceDescriptor | null>;
  /** "auto" refreshes copies older than a day; "force" always refetches; "never" only reads the database */
  refresh?: "auto" | "force" | "never";
}

export function federationContext(app: FederationHandle): Context<Ctx> {
  return app.federation.createContext(new URL(app.ctx.config.url.origin), app.ctx);
}

async function loaders(app: FederationHandle, options: LookupOptions) {
  const fctx = federationContext(app);
  return {
    documentLoader:
      options.documentLoader ??
      (options.signAs ? await fctx.getDocumentLoader({ identifier: options.signAs }) : await instanceDocumentLoader(fctx)),
    contextLoader: options.contextLoader ?? fctx.contextLoader,
    lookupWebFinger: options.lookupWebFinger ?? ((resource: string) => fctx.lookupWebFinger(resource)),
  };
}

/** The object was fetched from somewhere other than where its id says it lives. */
export class MisplacedObjectError extends Error {}

/**
 * Fetches an ActivityStreams object and checks it is what it claims to be: the document must be
 * ActivityStreams JSON whose `id` is the URL it was served from (after redirects). When it names
 * another id (a profile page URL, say), that id is fetched once more and must match exactly —
 * so a server can only speak for objects at its own URLs, as on Mastodon.
 * Returns null when the object does not exist or is gone.
 */
export async function fetchObject(app: FederationHandle, uri: string, options: LookupOptions = {}): Promise<APObject | null> {
  const { documentLoader, contextLoader } = await loaders(app, options);
  let url = uri;
  for (let attempt = 0; attempt < 2; attempt++) {
    let doc;
    try {
      doc = await documentLoader(url);
    } catch (err) {
      if (err instanceof FetchError && (err.response?.status === 404 || err.response?.status === 410)) return null;
      throw err;
    }
    const json = doc.document as Record<string, unknown> | null;
    if (!json || typeof json !== "object" || Array.isArray(json) || !("@context" in json)) {
      throw new MisplacedObjectError(`${url} did not answer with ActivityStreams JSON`);
    }
    const id = typeof json.id === "string" ? json.id : typeof json["@id"] === "string" ? json["@id"] : null;
    if (id === null) throw new MisplacedObjectError(`${url} answered with an object without an id`);
    if (id !== doc.documentUrl) {
      if (attempt === 0) {
        url = id;
        continue;
      }
      throw new MisplacedObjectError(`${doc.documentUrl} claims to be ${id}`);
    }
    return APObject.fromJsonLd(json, { documentLoader, contextLoader, baseUrl: new URL(doc.documentUrl) });
  }
  return null;
}

/**
 * A remote account by handle (`alice@example.com`, `@alice@example.com`, `acct:…`) or actor URI,
 * from the database when fresh enough, else fetched (WebFinger, then the actor) and stored.
 * Local handles and URIs give the local account. Null when there is no such account, it is gone,
 * or its server cannot be reached and we never saw it.
 */
export async function resolveAccount(
  app: FederationHandle,
  handleOrUri: string,
  options: LookupOptions = {},
): Promise<Account | null> {
  const input = handleOrUri.trim();
  if (/^https?:\/\//i.test(input)) return resolveActorUri(app, input, options);
  const handle = parseHandle(input);
  if (!handle) return null;
  return resolveHandle(app, handle.username, handle.domain, options);
}

export function parseHandle(input: string): { username: string; domain: string | null } | null {
  const m = /^(?:acct:)?@?([^@\s/]+)(?:@([^@\s/]+))?$/i.exec(input.trim());
  if (!m) return null;
  return { username: m[1], domain: m[2] ?? null };
}

export async function resolveHandle(
  app: FederationHandle,
  username: string,
  domain: string | null,
  options: LookupOptions = {},
): Promise<Account | null> {
  const ctx = app.ctx;
  const known = await findAccountByHandle(ctx, username, domain);
  if (known && (known.domain === null || !needsRefresh(known, options))) return known;
  if (domain === null || domain.toLowerCase() === ctx.config.url.host.toLowerCase()) return known ?? null;
  try {
    const { lookupWebFinger } = await loaders(app, options);
    const jrd = await lookupWebFinger(`acct:${username}@${domain}`);
    const self = selfLink(jrd);
    if (!self) return known ?? null;
    // WebFinger on the handle's own domain vouches for the handle.
    return await resolveActorUri(app, self, { ...options, refresh: "force" }, domain.toLowerCase());
  } catch (err) {
    ctx.log.info({ err, handle: `${username}@${domain}` }, "could not resolve a remote handle");
    return known ?? null;
  }
}

/** A remote account by actor URI; see resolveAccount. */
export async function resolveActorUri(
  app: FederationHandle,
  uri: string,
  options: LookupOptions = {},
  confirmedDomain?: string,
): Promise<Account | null> {
  const ctx = app.ctx;
  const known = await getAccountByUri(ctx, uri);
  if (known?.deleted_at) return null;
  if (known && (known.domain === null || !needsRefresh(known, options))) return known;
  if (URL.parse(uri)?.origin === ctx.config.url.origin) return known ?? null;
  let object: APObject | null;
  try {
    object = await fetchObject(app, uri, options);
  } catch (err) {
    ctx.log.info({ err, uri }, "could not fetch a remote actor");
    if (known) await touchRemoteAccount(ctx, known.id);
    return known ?? null;
  }
  if (!object) {
    // The server says the actor is gone: believe it, as a Delete would have said.
    if (known) await deleteRemoteAccount(ctx, known.id);
    return null;
  }
  if (!isActor(object)) return null;
  return storeActor(app, object, options, confirmedDomain ?? known?.domain ?? undefined);
}

/** Stores an actor already fetched from its origin (or carried in an activity signed by it). */
export async function storeActor(
  app: FederationHandle,
  actor: Actor,
  options: LookupOptions = {},
  domain?: string,
): Promise<Account | null> {
  const ctx = app.ctx;
  const { documentLoader, contextLoader } = await loaders(app, options);
  try {
    const data = await actorToRemoteAccount(actor, { documentLoader, contextLoader, fetchCounts: true, domain });
    if (!domain) data.domain = await handleDomain(app, actor, data.username, options);
    return await upsertRemoteAccount(ctx, data);
  } catch (err) {
    if (err instanceof UnusableActorError || err instanceof DomainError) {
      ctx.log.info({ err: err.message, uri: actor.id?.href }, "actor not stored");
      return null;
    }
    throw err;
  }
}

/**
 * The domain of an actor's handle. Usually its host; a server may serve actors from one host
 * and handles from another (Mastodon's WEB_DOMAIN vs LOCAL_DOMAIN), which WebFinger reveals and
 * must confirm from the other side.
 */
async function handleDomain(app: FederationHandle, actor: Actor, username: string, options: LookupOptions): Promise<string> {
  const host = actor.id!.host;
  try {
    const { lookupWebFinger } = await loaders(app, options);
    const jrd = await lookupWebFinger(`acct:${username}@${host}`);
    if (selfLink(jrd) !== actor.id!.href) return host;
    const subject = parseHandle(jrd?.subject ?? "");
    if (!subject?.domain || subject.domain.toLowerCase() === host.toLowerCase()) return host;
    const confirm = await lookupWebFinger(`acct:${subject.username}@${subject.domain}`);
    return selfLink(confirm) === actor.id!.href ? subject.domain.toLowerCase() : host;
  } catch {
    return host;
  }
}

function selfLink(jrd: ResourceDescriptor | null | undefined): string | null {
  for (const link of jrd?.links ?? []) {
    if (link.rel !== "self" || !link.href) continue;
    const type = link.type ?? "";
    if (type === "application/activity+json" || /^application\/ld\+json/.test(type)) return link.href;
  }
  return null;
}

function needsRefresh(account: Account, options: LookupOptions): boolean {
  const mode = options.refresh ?? "auto";
  if (mode === "never") return false;
  return mode === "force" || isStale(account);
}

export type ResolvedObject = { kind: "account"; account: Account } | { kind: "object"; object: APObject };

/**
 * For search: what a pasted URL or handle points at. Accounts are stored; other objects (posts)
 * are returned as fetched and verified, for the statuses side to ingest.
 */
export async function resolveObjectUri(
  app: FederationHandle,
  query: string,
  options: LookupOptions = {},
): Promise<ResolvedObject | null> {
  const input = query.trim();
  if (!/^https?:\/\//i.test(input)) {
    const account = await resolveAccount(app, input, options);
    return account ? { kind: "account", account } : null;
  }
  const known = await getAccountByUri(app.ctx, input);
  if (known && !known.deleted_at) return { kind: "account", account: known };
  // Our own objects are the local services' business; never fetch ourselves over the network.
  if (URL.parse(input)?.origin === app.ctx.config.url.origin) return null;
  let object: APObject | null;
  try {
    object = await fetchObject(app, input, options);
  } catch (err) {
    app.ctx.log.info({ err, uri: input }, "could not fetch a searched object");
    return null;
  }
  if (!object) return null;
  if (isActor(object)) {
    const account = await storeActor(app, object, options);
    return account ? { kind: "account", account } : null;
  }
  return { kind: "object", object };
}
