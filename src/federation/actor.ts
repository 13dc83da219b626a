import type { Context, Federation } from "@fedify/fedify";
import { Endpoints, Image, PropertyValue, Person, Service, Tombstone } from "@fedify/vocab";
import type { Account } from "../domain/accounts.ts";
import type { Ctx } from "../domain/context.ts";
import { findLocalActor } from "../domain/local-actor.ts";
import { renderPostHtml } from "../domain/text/index.ts";
import { paths } from "../domain/uris.ts";
import { localKeyPairs } from "./keys.ts";
import { withMastodonContext } from "./mappers/context.ts";
import { servesWholeActor } from "./secure-mode.ts";
import { toInstant } from "./temporal.ts";

/**
 * Serves local accounts as actors at /users/{username}. The identifier Fedify passes around is
 * the username as stored, so every URI Fedify builds matches what domain/uris.ts stored.
 */
export function registerActor(federation: Federation<Ctx>): void {
  federation
    .setActorDispatcher(paths.actor("{identifier}") as "/users/{identifier}", async (fctx, identifier) => {
      const found = await findLocalActor(fctx.data, identifier);
      if (!found || found.state === "hidden") return null;
      if (found.state === "deleted") {
        return new Tombstone({
          id: fctx.getActorUri(found.account.username),
          deleted: toInstant(found.account.deleted_at),
        });
      }
      return buildLocalActor(fctx, found.account, { keysOnly: !(await servesWholeActor(fctx)) });
    })
    .setKeyPairsDispatcher(async (fctx, identifier) => {
      // Deleted accounts keep their keys: the Delete that tells other servers must be signed.
      const found = await findLocalActor(fctx.data, identifier);
      if (!found) return [];
      return localKeyPairs(fctx.data, found.account.id);
    })
    .mapHandle(async (fctx, username) => {
      // WebFinger handles compare case-insensitively; a switched-off or deleted account is unknown.
      const found = await findLocalActor(fctx.data, username);
      return found?.state === "active" ? found.account.username : null;
    });
}

/**
 * The ActivityStreams actor for a local account; also the object of Update(Person). `keysOnly`
 * is what secure mode serves to unsigned requests, as Mastodon does: enough to verify the
 * account's signatures and deliver to it, nothing of its profile.
 */
export async function buildLocalActor(
  fctx: Context<Ctx>,
  account: Account,
  options: { keysOnly?: boolean } = {},
): Promise<Person | Service> {
  const username = account.username;
  const base = fctx.data.config.url;
  const keys = await fctx.getActorKeyPairs(username);
  const Type = account.bot === 1 ? Service : Person;
  if (options.keysOnly) {
    return new Type({
      id: fctx.getActorUri(username),
      preferredUsername: username,
      url: new URL(paths.profile(username), base),
      inbox: fctx.getInboxUri(username),
      endpoints: new Endpoints({ sharedInbox: fctx.getInboxUri() }),
      publicKey: keys[0]?.cryptographicKey ?? null,
      assertionMethods: keys.map((k) => k.multikey),
    });
  }
  const values = {
    id: fctx.getActorUri(username),
    preferredUsername: username,
    name: account.display_name || null,
    summary: account.note.trim() ? profileHtml(account.note.trim(), base) : null,
    url: new URL(paths.profile(username), base),
    icon: image(account.avatar_url, base),
    image: image(account.header_url, base),
    attachments: parseFields(account.fields).map((f) => new PropertyValue({ name: f.name, value: fieldHtml(f.value, base) })),
    manuallyApprovesFollowers: account.locked === 1,
    discoverable: account.discoverable === 1,
    indexable: account.indexable === 1,
    published: toInstant(account.created_at),
    inbox: fctx.getInboxUri(username),
    outbox: fctx.getOutboxUri(username),
    followers: fctx.getFollowersUri(username),
    following: fctx.getFollowingUri(username),
    featured: fctx.getFeaturedUri(username),
    featuredTags: fctx.getFeaturedTagsUri(username),
    // Mastodon marks accounts of people who died; Weft has no such state, so never.
    memorial: false,
    endpoints: new Endpoints({ sharedInbox: fctx.getInboxUri() }),
    publicKey: keys[0]?.cryptographicKey ?? null,
    assertionMethods: keys.map((k) => k.multikey),
  };
  return withMastodonContext(new Type(values));
}

/** A local bio as typed, rendered as the client API renders it (links, hashtags, paragraphs). */
function profileHtml(text: string, base: URL): string {
  return renderPostHtml(text, { baseUrl: base, localDomain: base.host });
}

/**
 * A field value on one line, its links marked rel="me" as Mastodon's are, so that a page linking
 * back can verify it. The renderer escapes all typed text, so the attribute appears only in links.
 */
function fieldHtml(value: string, base: URL): string {
  return profileHtml(value.replace(/\s+/g, " ").trim(), base)
    .replace(/^<p>|<\/p>$/g, "")
    .replaceAll('rel="nofollow noopener"', 'rel="me nofollow noopener"');
}

interface StoredField {
  name: string;
  value: string;
}

function parseFields(json: string): StoredField[] {
  try {
    const parsed: unknown = JSON.parse(json);
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((f): f is StoredField => typeof f?.name === "string" && typeof f?.value === "string")
      .map((f) => ({ name: f.name, value: f.value }));
  } catch {
    return [];
  }
}

const IMAGE_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
};

function image(url: string | null, base: URL): Image | null {
  if (!url) return null;
  const href = new URL(url, base);
  const ext = href.pathname.split(".").pop()?.toLowerCase() ?? "";
  return new Image({ url: href, mediaType: IMAGE_TYPES[ext] ?? null });
}
