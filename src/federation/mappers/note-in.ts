import {
  Article,
  Audio,
  Document,
  Event,
  Hashtag,
  Image,
  LanguageString,
  Link,
  Mention,
  Note,
  Page,
  PUBLIC_COLLECTION,
  Question,
  Video,
  type DocumentLoader,
  type Object as APObject,
} from "@fedify/vocab";
import { getAccountByUri } from "../../domain/accounts.ts";
import type { Ctx } from "../../domain/context.ts";
import type { RemoteMediaData } from "../../domain/media-attach.ts";
import type { RemotePollData } from "../../domain/polls.ts";
import type { RemoteStatusData } from "../../domain/statuses.ts";
import { escapeHtml, linkToUrl, renderPostHtml, sanitizeRemoteHtml } from "../../domain/text/index.ts";
import type { Visibility } from "../../domain/visibility.ts";
import { toDate } from "./time.ts";

export interface FromNoteOptions {
  /** local id of the account the caller established wrote the object */
  accountId: string;
  /** the author's followers collection, to recognise followers-only posts */
  followersUrl?: string | null;
  /**
   * Local account id for a mentioned remote actor, looking it up and storing it when it can.
   * Without it only accounts already stored are recognised.
   */
  resolveAccount?: (uri: URL) => Promise<string | null>;
  /** the object as it arrived, for what Fedify's vocabulary drops (blurhash, focalPoint, Lemmy's language) */
  raw?: unknown;
}

/** Object types that become statuses. Page, Article, Video… arrive from Lemmy, WriteFreely, PeerTube. */
export type PostObject = Note | Question | Article | Page | Video | Event | Audio | Image | Document;

export function isPostObject(o: unknown): o is PostObject {
  return o instanceof Note || o instanceof Question || o instanceof Article || o instanceof Document || o instanceof Event;
}

const MAX_MENTIONS = 30;
const MAX_TAGS = 30;

// Embedded tags and attachments are all we read; a bare URL among them is skipped, not fetched.
const noFetch: DocumentLoader = (url: string) => Promise.reject(new Error(`not fetched: ${url}`));

/**
 * A remote Note, Question, Page, Article or Video → what domain/ stores. Lenient: anything
 * not understood is left out. Returns null when the object is no post at all.
 */
export async function fromNote(ctx: Ctx, object: APObject, options: FromNoteOptions): Promise<RemoteStatusData | null> {
  if (!isPostObject(object) || !object.id || !/^https?:$/.test(object.id.protocol)) return null;
  const raw = isRecord(options.raw) && options.raw.id === object.id.href ? options.raw : null;
  const { mentionUris, tags, links } = await readTags(object);
  const media = await readAttachments(object, raw);

  // Mention tags, plus our own accounts addressed without one (Mastodon's silent mentions, which
  // is how a direct message to someone here may arrive).
  const addressedHere = [...object.toIds, ...object.ccIds].filter((u) => u.origin === ctx.config.url.origin);
  const mentioned = new Set<string>();
  for (const uri of [...mentionUris.values(), ...addressedHere].slice(0, MAX_MENTIONS + 10)) {
    if (mentioned.size >= MAX_MENTIONS) break;
    const id = await accountIdFor(ctx, uri, options.resolveAccount);
    if (id && id !== options.accountId) mentioned.add(id);
  }

  const isNoteLike = object instanceof Note || object instanceof Question;
  // Misskey sends its MFM source and CW beside the HTML; they stand in only when the HTML is missing.
  const summary = text(object.summary) || rawString(raw, "_misskey_summary");
  const published = toDate(object.published) ?? new Date();
  return {
    uri: object.id.href,
    url: pageUrl(object),
    accountId: options.accountId,
    inReplyToUri: object.replyTargetId?.href ?? null,
    content: isNoteLike ? withQuoteLine(bodyHtml(ctx, object, raw), quoteOf(object)) : articleHtml(ctx, object, links, media),
    spoilerText: isNoteLike ? summary.slice(0, 1000) : "",
    sensitive: object.sensitive === true,
    visibility: visibilityOf(object.toIds, object.ccIds, options.followersUrl),
    language: languageOf(object, raw),
    published,
    updated: toDate(object.updated),
    mentionedAccountIds: [...mentioned],
    tags,
    media: isNoteLike || object instanceof Page || object instanceof Article ? media : [],
    poll: object instanceof Question ? await readPoll(object) : null,
  };
}

/** Public in `to` is public, in `cc` unlisted; the followers collection makes it private; else direct. */
export function visibilityOf(to: readonly URL[], cc: readonly URL[], followersUrl?: string | null): Visibility {
  const pub = PUBLIC_COLLECTION.href;
  if (to.some((u) => u.href === pub)) return "public";
  if (cc.some((u) => u.href === pub)) return "unlisted";
  const all = [...to, ...cc];
  if (followersUrl && all.some((u) => u.href === followersUrl)) return "private";
  // Servers that did not tell us their followers collection still name it so.
  if (all.some((u) => /\/followers\/?$/.test(u.pathname))) return "private";
  return "direct";
}

async function accountIdFor(ctx: Ctx, uri: URL, resolve?: (uri: URL) => Promise<string | null>): Promise<string | null> {
  if (uri.href === PUBLIC_COLLECTION.href) return null;
  const known = await getAccountByUri(ctx, uri.href);
  if (known) return known.deleted_at ? null : known.id;
  // Local actors are all stored; anything else on our origin is a collection, not an actor.
  if (uri.origin === ctx.config.url.origin || !resolve) return null;
  return resolve(uri).catch(() => null);
}

async function readTags(object: PostObject): Promise<{ mentionUris: Map<string, URL>; tags: string[]; links: string[] }> {
  const mentions = new Map<string, URL>();
  const tags: string[] = [];
  try {
    for await (const tag of object.getTags({ documentLoader: noFetch, suppressError: true })) {
      if (tag instanceof Mention && tag.href && mentions.size < MAX_MENTIONS) mentions.set(tag.href.href, tag.href);
      else if (tag instanceof Hashtag && tags.length < MAX_TAGS) {
        const name = text(tag.name).replace(/^#/, "").trim();
        if (name && !/\s/.test(name)) tags.push(name);
      }
    }
  } catch (err) {
    void err; // a malformed tag list loses its tags, not the post
  }
  const links: string[] = [];
  try {
    for await (const att of object.getAttachments({ documentLoader: noFetch, suppressError: true })) {
      if (att instanceof Link && att.href && /^https?:$/.test(att.href.protocol) && !(att.mediaType ?? "").startsWith("image/")) {
        links.push(att.href.href);
      }
    }
  } catch (err) {
    void err;
  }
  return { mentionUris: mentions, tags, links };
}

async function readAttachments(object: PostObject, raw: Record<string, unknown> | null): Promise<RemoteMediaData[]> {
  const extras = rawAttachmentExtras(raw);
  const out: RemoteMediaData[] = [];
  try {
    for await (const att of object.getAttachments({ documentLoader: noFetch, suppressError: true })) {
      if (out.length >= 16) break;
      if (!(att instanceof Document)) continue;
      const url = hrefOf(att.url);
      if (!url) continue;
      const extra = extras.get(url);
      out.push({
        url,
        mediaType: att.mediaType ?? guessMediaType(att),
        description: text(att.name) || text(att.summary) || null,
        blurhash: typeof extra?.blurhash === "string" ? extra.blurhash.slice(0, 100) : null,
        width: positive(att.width),
        height: positive(att.height),
        focus: extra?.focus ?? null,
      });
    }
  } catch (err) {
    void err;
  }
  return out;
}

function rawAttachmentExtras(raw: Record<string, unknown> | null): Map<string, { blurhash?: unknown; focus?: { x: number; y: number } }> {
  const out = new Map<string, { blurhash?: unknown; focus?: { x: number; y: number } }>();
  const list = raw ? (Array.isArray(raw.attachment) ? raw.attachment : [raw.attachment]) : [];
  for (const item of list) {
    if (!isRecord(item)) continue;
    const url = typeof item.url === "string" ? item.url : isRecord(item.url) && typeof item.url.href === "string" ? item.url.href : null;
    if (!url) continue;
    const fp = item.focalPoint;
    const focus =
      Array.isArray(fp) && fp.length === 2 && fp.every((n) => typeof n === "number" && n >= -1 && n <= 1)
        ? { x: fp[0] as number, y: fp[1] as number }
        : undefined;
    out.set(url, { blurhash: item.blurhash, focus });
  }
  return out;
}

async function readPoll(q: Question): Promise<RemotePollData | null> {
  const read = async (it: AsyncIterable<APObject>) => {
    const options: Array<{ title: string; votes: number }> = [];
    try {
      for await (const o of it) {
        const title = text(o.name).trim();
        if (!title || options.length >= 20) continue;
        let votes = 0;
        try {
          const replies = await o.getReplies({ documentLoader: noFetch, suppressError: true });
          votes = Math.max(0, Math.floor(replies?.totalItems ?? 0));
        } catch {
          votes = 0;
        }
        options.push({ title: title.slice(0, 200), votes });
      }
    } catch (err) {
      void err;
    }
    return options;
  };
  const exclusive = await read(q.getExclusiveOptions({ documentLoader: noFetch, suppressError: true }));
  const inclusive = exclusive.length ? [] : await read(q.getInclusiveOptions({ documentLoader: noFetch, suppressError: true }));
  const options = exclusive.length ? exclusive : inclusive;
  if (options.length < 1) return null;
  const closed = q.closed && typeof q.closed === "object" ? toDate(q.closed) : null;
  return {
    options,
    multiple: exclusive.length === 0,
    expiresAt: toDate(q.endTime) ?? closed ?? (q.closed === true ? new Date() : null),
    votersCount: typeof q.voters === "number" && q.voters >= 0 ? Math.floor(q.voters) : null,
  };
}

function bodyHtml(ctx: Ctx, o: PostObject, raw: Record<string, unknown> | null = null): string {
  const content = text(o.content);
  if (!content) {
    const mfm = rawString(raw, "_misskey_content");
    return mfm ? renderPostHtml(mfm, { baseUrl: ctx.config.url.href }) : "";
  }
  return isHtml(o.mediaType) ? sanitizeRemoteHtml(content) : renderPostHtml(content, { baseUrl: ctx.config.url.href });
}

/**
 * The post this one quotes: FEP-044f `quote`, else `quoteUrl`, Misskey's `_misskey_quote` or
 * Fedibird's `quoteUri` (Fedify reads those three as `quoteUrl`).
 */
function quoteOf(o: PostObject): string | null {
  const url = o instanceof Note || o instanceof Question || o instanceof Article ? (o.quoteId ?? o.quoteUrl) : null;
  return url && /^https?:$/.test(url.protocol) ? url.href : null;
}

/**
 * Weft does not show quotes as embedded posts yet, so a quote is kept as the link line Mastodon
 * writes for servers that cannot show them ("RE: <url>", class quote-inline so clients that do
 * show quotes can hide it), unless the text already links the quoted post, as Misskey's does.
 */
function withQuoteLine(html: string, quote: string | null): string {
  if (!quote || html.includes(quote) || html.includes(escapeHtml(quote))) return html;
  return `${html}<p class="quote-inline">RE: ${linkToUrl(quote)}</p>`;
}

function rawString(raw: Record<string, unknown> | null, key: string): string {
  const value = raw?.[key];
  return typeof value === "string" ? value : "";
}

/** A Page, Article or Video as a post: its title, its text, then a link to the original. */
function articleHtml(ctx: Ctx, o: PostObject, links: string[], media: RemoteMediaData[]): string {
  const parts: string[] = [];
  const title = text(o.name).trim();
  if (title) parts.push(`<p><strong>${escapeHtml(title.slice(0, 500))}</strong></p>`);
  const body = bodyHtml(ctx, o) || (text(o.summary) ? sanitizeRemoteHtml(text(o.summary)) : "");
  if (body) parts.push(body);
  const mediaUrls = new Set(media.map((m) => m.url));
  const targets = [...new Set([...links, pageUrl(o) ?? o.id!.href])].filter((u) => !mediaUrls.has(u));
  for (const href of targets.slice(0, 3)) parts.push(`<p>${linkToUrl(href)}</p>`);
  return parts.join("");
}

/** The human-readable page: the first `url` that is HTML (PeerTube lists its video files too). */
function pageUrl(o: PostObject): string | null {
  for (const u of o.urls) {
    if (u instanceof URL) return /^https?:$/.test(u.protocol) ? u.href : null;
    if (u instanceof Link && u.href && /^https?:$/.test(u.href.protocol) && (!u.mediaType || u.mediaType === "text/html")) {
      return u.href.href;
    }
  }
  return null;
}

function languageOf(o: PostObject, raw: Record<string, unknown> | null): string | null {
  for (const c of o.contents) {
    if (c instanceof LanguageString && c.locale.language && c.locale.language !== "und") return c.locale.baseName.slice(0, 16);
  }
  // Lemmy and PeerTube: "language": {"identifier": "fr"}
  const lang = raw && isRecord(raw.language) ? raw.language.identifier : null;
  return typeof lang === "string" && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(lang) ? lang : null;
}

function isHtml(mediaType: string | null): boolean {
  return !mediaType || mediaType === "text/html" || mediaType.startsWith("text/html;");
}

function hrefOf(u: URL | Link | null): string | null {
  const url = u instanceof Link ? u.href : u;
  return url && /^https?:$/.test(url.protocol) ? url.href : null;
}

function guessMediaType(att: Document): string | null {
  if (att instanceof Image) return "image/*";
  if (att instanceof Video) return "video/*";
  if (att instanceof Audio) return "audio/*";
  return null;
}

function positive(n: number | null): number | null {
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? Math.floor(n) : null;
}

function text(v: string | LanguageString | null | undefined): string {
  return v == null ? "" : String(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
