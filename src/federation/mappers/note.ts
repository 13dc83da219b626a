import {
  Collection,
  Document,
  Hashtag,
  LanguageString,
  Mention,
  Note,
  PUBLIC_COLLECTION,
  Question,
  type Object as APObject,
} from "@fedify/vocab";
import type { Config } from "../../config.ts";
import type { AccountView, MediaRow, StatusView } from "../../domain/hydrate.ts";
import { localUrl, mediaFileUrl, paths } from "../../domain/uris.ts";
import { withMastodonContext } from "./context.ts";
import { instant } from "./time.ts";

export { fromNote, type FromNoteOptions } from "./note-in.ts";

/**
 * Local status → ActivityStreams, as Mastodon shapes it: a Note, or a Question when it has a
 * poll. Addressing follows Mastodon exactly, so every server files the post under the same
 * visibility it has here.
 */
export function toNote(config: Pick<Config, "url">, view: StatusView): Note | Question {
  const s = view.status;
  const author = view.account.account;
  const { to, cc } = addressing(s.visibility, author.followers_url, view.mentions);
  const contents: (string | LanguageString)[] = [s.content];
  if (s.language) contents.push(new LanguageString(s.content, s.language));
  const values = {
    id: new URL(s.uri),
    url: s.url ? new URL(s.url) : null,
    attribution: new URL(author.uri),
    contents,
    summary: s.spoiler_text ? s.spoiler_text : null,
    sensitive: s.sensitive === 1,
    published: instant(s.created_at),
    updated: s.edited_at ? instant(s.edited_at) : null,
    replyTarget: s.in_reply_to_uri ? new URL(s.in_reply_to_uri) : null,
    tos: to,
    ccs: cc,
    tags: [
      ...view.mentions.map((m) => mentionTag(config, m)),
      ...view.tags.map(
        (t) => new Hashtag({ href: new URL(localUrl(config, paths.tag(t.name))), name: `#${t.display_name || t.name}` }),
      ),
    ],
    attachments: view.media.map((m) => attachmentOf(config, m)),
  };
  if (!view.poll) return new Note(values);
  const poll = view.poll;
  const options = poll.options.map(
    (o) => new Note({ name: o.title, replies: new Collection({ totalItems: o.votesCount ?? 0 }) }),
  );
  const endTime = poll.poll.expires_at ? instant(poll.poll.expires_at) : null;
  return new Question({
    ...values,
    ...(poll.poll.multiple ? { inclusiveOptions: options } : { exclusiveOptions: options }),
    endTime,
    closed: poll.expired ? endTime : null,
    voters: poll.poll.voters_count ?? 0,
  });
}

/** Mastodon's to/cc for each visibility; mentioned accounts always get the post. */
export function addressing(
  visibility: string,
  followersUrl: string | null,
  mentions: readonly AccountView[],
): { to: URL[]; cc: URL[] } {
  const followers = followersUrl ? [new URL(followersUrl)] : [];
  const mentioned = mentions.map((m) => new URL(m.account.uri));
  switch (visibility) {
    case "public":
      return { to: [PUBLIC_COLLECTION], cc: [...followers, ...mentioned] };
    case "unlisted":
      return { to: followers, cc: [PUBLIC_COLLECTION, ...mentioned] };
    case "private":
      return { to: followers, cc: mentioned };
    default:
      return { to: mentioned, cc: [] };
  }
}

function mentionTag(config: Pick<Config, "url">, m: AccountView): Mention {
  const a = m.account;
  return new Mention({ href: new URL(a.uri), name: `@${a.username}@${a.domain ?? config.url.host}` });
}

interface MediaMeta {
  original?: { width?: number; height?: number };
  focus?: { x: number; y: number };
}

function attachmentOf(config: Pick<Config, "url">, m: MediaRow): Document {
  let meta: MediaMeta = {};
  try {
    meta = JSON.parse(m.meta) as MediaMeta;
  } catch {
    // meta is informational; a broken one only loses the size
  }
  const href = m.file_path
    ? new URL(mediaFileUrl(config, m.file_path))
    : new URL(m.remote_url ?? localUrl(config, "/"));
  return new Document({
    url: href,
    mediaType: m.content_type,
    name: m.description || null,
    width: meta.original?.width ?? null,
    height: meta.original?.height ?? null,
  });
}

/**
 * What Fedify's vocabulary cannot carry (blurhash, focalPoint), keyed by attachment URL.
 * Added by `withMediaExtras` to documents we serve; deliveries go without them, since Fedify
 * re-serialises activities, and Mastodon computes both itself when it fetches the media.
 */
export function mediaExtras(config: Pick<Config, "url">, view: StatusView): Map<string, { blurhash?: string; focalPoint?: [number, number] }> {
  const out = new Map<string, { blurhash?: string; focalPoint?: [number, number] }>();
  for (const m of view.media) {
    const doc = attachmentOf(config, m);
    let focus: MediaMeta["focus"];
    try {
      focus = (JSON.parse(m.meta) as MediaMeta).focus;
    } catch {
      focus = undefined;
    }
    const extra: { blurhash?: string; focalPoint?: [number, number] } = {};
    if (m.blurhash) extra.blurhash = m.blurhash;
    if (focus && Number.isFinite(focus.x) && Number.isFinite(focus.y)) extra.focalPoint = [focus.x, focus.y];
    const url = doc.url instanceof URL ? doc.url.href : null;
    if (url && (extra.blurhash || extra.focalPoint)) out.set(url, extra);
  }
  return out;
}

/**
 * The object as served at its URI: with the media extras on its attachments and Mastodon's
 * extension terms in its @context (mappers/context.ts). Fedify serves an object read from JSON-LD
 * as that JSON, so a fetch of the status gets them.
 */
export async function withMediaExtras<T extends APObject>(
  object: T,
  extras: Map<string, { blurhash?: string; focalPoint?: [number, number] }>,
): Promise<T> {
  return withMastodonContext(object, (json) => applyMediaExtras(json, extras));
}

/** Adds the extras to the attachments of a post's compact JSON, in place. */
export function applyMediaExtras(json: unknown, extras: Map<string, { blurhash?: string; focalPoint?: [number, number] }>): void {
  if (!json || typeof json !== "object" || extras.size === 0) return;
  const attachment = (json as Record<string, unknown>).attachment;
  const list = Array.isArray(attachment) ? attachment : attachment ? [attachment] : [];
  for (const att of list as Array<Record<string, unknown>>) {
    const url = typeof att?.url === "string" ? att.url : null;
    const extra = url ? extras.get(url) : undefined;
    if (extra) Object.assign(att, extra);
  }
}
