import fs from "node:fs/promises";
import type { Account } from "../../domain/accounts.ts";
import { archiveContents } from "../../domain/account-export.ts";
import type { Ctx } from "../../domain/context.ts";
import { loadStatuses } from "../../domain/hydrate.ts";
import { resolveMediaPath } from "../../domain/media-files.ts";
import { mediaFileUrl } from "../../domain/uris.ts";
import { buildAnnounce, buildCreate } from "../../federation/outbox-statuses.ts";
import { zip, type ZipEntry } from "./zip.ts";

/*
 * The posts archive in the layout of Mastodon's (Settings → Export → Request your archive), so
 * tools that read one read this: outbox.json, an OrderedCollection of the Create (posts) and
 * Announce (boosts) activities exactly as Weft federates them; actor.json; likes.json and
 * bookmarks.json, collections of post URIs; and the uploaded files under media_attachments/.
 * Built in memory, which is fine for the size of one person's posts on a small server.
 */

const AS_CONTEXT = "https://www.w3.org/ns/activitystreams";
const BATCH = 100;

type Json = Record<string, unknown>;

async function activities(ctx: Ctx, ids: string[]): Promise<Json[]> {
  const out: Json[] = [];
  for (let i = 0; i < ids.length; i += BATCH) {
    const views = await loadStatuses(ctx, ids.slice(i, i + BATCH), null);
    for (const view of views) {
      const activity = view.reblog
        ? buildAnnounce(view.account.account, view.status, view.reblog.status, view.reblog.account.account)
        : buildCreate(ctx.config, view);
      out.push((await activity.toJsonLd({ format: "compact" })) as Json);
    }
  }
  return out;
}

/** As in Mastodon's archive, a post's uploaded files point at their copy inside the archive. */
function pointAttachmentsIntoArchive(items: Json[], archived: Map<string, string>): void {
  for (const item of items) {
    const object = item.object as Json | undefined;
    const attachments = object?.attachment;
    for (const a of (Array.isArray(attachments) ? attachments : attachments ? [attachments] : []) as Json[]) {
      if (typeof a.url === "string" && archived.has(a.url)) a.url = archived.get(a.url);
    }
  }
}

function orderedCollection(id: string, items: unknown[], context: unknown = AS_CONTEXT): Json {
  return { "@context": context, id, type: "OrderedCollection", totalItems: items.length, orderedItems: items };
}

function actorJson(account: Account): Json {
  return {
    "@context": [AS_CONTEXT, "https://w3id.org/security/v1"],
    id: account.uri,
    type: account.bot ? "Service" : "Person",
    preferredUsername: account.username,
    name: account.display_name,
    summary: account.note,
    url: account.url,
    inbox: account.inbox_url,
    outbox: account.outbox_url,
    followers: account.followers_url,
    following: account.following_url,
    featured: account.featured_url,
    manuallyApprovesFollowers: account.locked === 1,
    discoverable: account.discoverable === 1,
    published: account.created_at,
    attachment: (JSON.parse(account.fields || "[]") as Array<{ name: string; value: string }>).map((f) => ({
      type: "PropertyValue",
      name: f.name,
      value: f.value,
    })),
    ...(account.avatar_url ? { icon: { type: "Image", url: account.avatar_url } } : {}),
    ...(account.header_url ? { image: { type: "Image", url: account.header_url } } : {}),
    ...(account.public_key_pem ? { publicKey: { id: account.public_key_id, owner: account.uri, publicKeyPem: account.public_key_pem } } : {}),
  };
}

export async function buildPostsArchive(ctx: Ctx, account: Account): Promise<Buffer> {
  const contents = await archiveContents(ctx, account.id);
  const items = await activities(ctx, contents.statusIds);
  // One @context for the collection; items that share it do not repeat it.
  const context = items[0]?.["@context"] ?? AS_CONTEXT;
  const sameContext = JSON.stringify(context);
  for (const item of items) if (JSON.stringify(item["@context"]) === sameContext) delete item["@context"];
  const archived = new Map(contents.mediaFiles.map((rel) => [mediaFileUrl(ctx.config, rel), `/media_attachments/files/${rel}`]));
  pointAttachmentsIntoArchive(items, archived);
  const text = (value: unknown) => Buffer.from(JSON.stringify(value, null, 2));
  const entries: ZipEntry[] = [
    { name: "outbox.json", data: text(orderedCollection("outbox.json", items, context)) },
    { name: "actor.json", data: text(actorJson(account)) },
    { name: "likes.json", data: text(orderedCollection("likes.json", contents.likes)) },
    { name: "bookmarks.json", data: text(orderedCollection("bookmarks.json", contents.bookmarks)) },
  ];
  for (const relative of contents.mediaFiles) {
    const file = resolveMediaPath(ctx.config, relative);
    if (!file) continue;
    try {
      entries.push({ name: `media_attachments/files/${relative}`, data: await fs.readFile(file) });
    } catch (err) {
      // A file removed from disk (cleanup, a restored backup) leaves the post in the archive without it.
      ctx.log.warn({ err, relative }, "archive: media file missing");
    }
  }
  return zip(entries);
}
