import type { DocumentLoader } from "@fedify/vocab-runtime";
import { exportSpki } from "@fedify/vocab-runtime";
import {
  Application,
  Emoji,
  getActorTypeName,
  Image,
  Link,
  PropertyValue,
  Service,
  type Actor,
  type Collection,
} from "@fedify/vocab";
import type { RemoteAccountData } from "../../domain/remote-accounts.ts";
import { sanitizeRemoteHtml } from "../../domain/text/sanitize.ts";

export interface ActorMapOptions {
  documentLoader?: DocumentLoader;
  contextLoader?: DocumentLoader;
  /** fetch followers/following/outbox for their totalItems (three more requests) */
  fetchCounts?: boolean;
  /** the handle's domain when WebFinger confirmed one other than the actor's host */
  domain?: string;
}

/** Why an actor document cannot become an account; callers log it and move on. */
export class UnusableActorError extends Error {}

const MAX_NAME = 200;
const MAX_FIELDS = 16;

/**
 * A remote actor → the account data Weft stores. Only the document at hand is read (embedded
 * images, keys, tags and attachments); referenced ones are not fetched, except the collections
 * when counts are asked for. Anything missing or malformed falls back to empty rather than
 * failing, except what an account cannot work without: id, username and inbox.
 */
export async function actorToRemoteAccount(actor: Actor, options: ActorMapOptions = {}): Promise<RemoteAccountData> {
  const id = actor.id;
  if (!id || (id.protocol !== "https:" && id.protocol !== "http:")) throw new UnusableActorError("actor has no http(s) id");
  const username = text(actor.preferredUsername).trim();
  if (!username || /[\s@/]/.test(username)) throw new UnusableActorError(`actor ${id.href} has no usable preferredUsername`);
  const inbox = actor.inboxId;
  if (!inbox) throw new UnusableActorError(`actor ${id.href} has no inbox`);
  const loaders: Loaders = { documentLoader: options.documentLoader, contextLoader: options.contextLoader, suppressError: true };

  const [key, avatarUrl, headerUrl, fields, emojis, counts] = await Promise.all([
    publicKeyOf(actor, loaders),
    imageUrl(() => actor.getIcon(loaders)),
    imageUrl(() => actor.getImage(loaders)),
    fieldsOf(actor, loaders),
    emojisOf(actor, loaders),
    options.fetchCounts ? countsOf(actor, loaders) : Promise.resolve({ followers: null, following: null, statuses: null }),
  ]);

  return {
    uri: id.href,
    url: urlOf(actor.url) ?? id.href,
    username,
    domain: options.domain ?? id.host,
    actorType: getActorTypeName(actor),
    displayName: text(actor.name).trim().slice(0, MAX_NAME),
    note: sanitizeRemoteHtml(text(actor.summary)),
    avatarUrl,
    headerUrl,
    fields,
    emojis,
    locked: actor.manuallyApprovesFollowers ?? false,
    bot: actor instanceof Service || actor instanceof Application,
    // Opt-in on Mastodon: an actor that does not say is neither listed nor indexed.
    discoverable: actor.discoverable ?? false,
    indexable: actor.indexable ?? false,
    inboxUrl: inbox.href,
    sharedInboxUrl: actor.endpoints?.sharedInbox?.href ?? null,
    outboxUrl: actor.outboxId?.href ?? null,
    followersUrl: actor.followersId?.href ?? null,
    followingUrl: actor.followingId?.href ?? null,
    featuredUrl: actor.featuredId?.href ?? null,
    publicKeyPem: key?.pem ?? null,
    publicKeyId: key?.id ?? null,
    followersCount: counts.followers,
    followingCount: counts.following,
    statusesCount: counts.statuses,
    published: actor.published ? new Date(actor.published.epochMilliseconds).toISOString() : null,
  };
}

type Loaders = { documentLoader?: DocumentLoader; contextLoader?: DocumentLoader; suppressError: true };

function text(value: unknown): string {
  return value == null ? "" : String(value);
}

function urlOf(value: URL | Link | null | undefined): string | null {
  if (value instanceof URL) return value.href;
  if (value instanceof Link) return value.href?.href ?? null;
  return null;
}

async function publicKeyOf(actor: Actor, loaders: Loaders): Promise<{ id: string; pem: string } | null> {
  try {
    for await (const key of actor.getPublicKeys(loaders)) {
      // A key that names another owner is not this actor's key.
      if (!key.id || !key.publicKey || (key.ownerId && key.ownerId.href !== actor.id?.href)) continue;
      return { id: key.id.href, pem: await exportSpki(key.publicKey) };
    }
  } catch {
    // An unreadable key only means we verify this actor's signatures by fetching it again.
  }
  return null;
}

async function imageUrl(get: () => Promise<Image | URL | null>): Promise<string | null> {
  try {
    const image = await get();
    if (image instanceof URL) return httpUrl(image.href);
    if (image instanceof Image) return httpUrl(urlOf(image.url));
  } catch {
    // no picture rather than no account
  }
  return null;
}

function httpUrl(href: string | null): string | null {
  if (!href) return null;
  const url = URL.parse(href);
  return url && (url.protocol === "https:" || url.protocol === "http:") ? url.href : null;
}

async function fieldsOf(actor: Actor, loaders: Loaders): Promise<RemoteAccountData["fields"]> {
  const fields: RemoteAccountData["fields"] = [];
  try {
    for await (const item of actor.getAttachments(loaders)) {
      if (!(item instanceof PropertyValue)) continue;
      const name = text(item.name).trim().slice(0, MAX_NAME);
      if (!name) continue;
      fields.push({ name, value: sanitizeRemoteHtml(text(item.value)), verified_at: null });
      if (fields.length >= MAX_FIELDS) break;
    }
  } catch {
    // keep the fields read so far
  }
  return fields;
}

async function emojisOf(actor: Actor, loaders: Loaders): Promise<RemoteAccountData["emojis"]> {
  const emojis: RemoteAccountData["emojis"] = [];
  try {
    for await (const tag of actor.getTags(loaders)) {
      if (!(tag instanceof Emoji)) continue;
      const shortcode = text(tag.name).replace(/^:|:$/g, "");
      if (!/^[a-zA-Z0-9_]+$/.test(shortcode)) continue;
      const icon = await tag.getIcon(loaders).catch(() => null);
      const url = icon instanceof Image ? httpUrl(urlOf(icon.url)) : null;
      if (url) emojis.push({ shortcode, url });
    }
  } catch {
    // keep the emojis read so far
  }
  return emojis;
}

async function countsOf(
  actor: Actor,
  loaders: Loaders,
): Promise<{ followers: number | null; following: number | null; statuses: number | null }> {
  const total = async (get: () => Promise<Collection | null>) => {
    try {
      const n = (await get())?.totalItems;
      return typeof n === "number" && Number.isFinite(n) && n >= 0 ? Math.floor(n) : null;
    } catch {
      return null;
    }
  };
  const [followers, following, statuses] = await Promise.all([
    total(() => actor.getFollowers(loaders)),
    total(() => actor.getFollowing(loaders)),
    total(() => actor.getOutbox(loaders)),
  ]);
  return { followers, following, statuses };
}
