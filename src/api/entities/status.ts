import type { Config } from "../../config.ts";
import { acct } from "../../domain/accounts.ts";
import type { AccountView, StatusView } from "../../domain/hydrate.ts";
import type { StatusTable } from "../../db/schema.ts";
import { type MastodonAccount, serializeAccount } from "./account.ts";
import { type MastodonApplication, serializeApplication } from "./application.ts";
import { type MastodonPreviewCard, serializePreviewCard } from "./card.ts";
import type { MastodonCustomEmoji } from "./emoji.ts";
import { htmlToPlainText } from "../../domain/text/index.ts";
import { isoDate } from "./format.ts";
import { type MastodonMediaAttachment, serializeMediaAttachment } from "./media.ts";
import { type MastodonPoll, serializePoll } from "./poll.ts";
import { type MastodonStatusTag, serializeStatusTag } from "./tag.ts";

export interface MastodonMention {
  id: string;
  username: string;
  acct: string;
  url: string;
}

export interface MastodonStatus {
  id: string;
  uri: string;
  url: string | null;
  created_at: string;
  edited_at: string | null;
  account: MastodonAccount;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  reblog: MastodonStatus | null;
  content: string;
  spoiler_text: string;
  sensitive: boolean;
  visibility: StatusTable["visibility"];
  language: string | null;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  /** the four below and `pinned` only when a user is signed in, as on Mastodon */
  favourited?: boolean;
  reblogged?: boolean;
  muted?: boolean;
  bookmarked?: boolean;
  /** only on the viewer's own public, unlisted or private statuses */
  pinned?: boolean;
  filtered: [];
  media_attachments: MastodonMediaAttachment[];
  mentions: MastodonMention[];
  tags: MastodonStatusTag[];
  emojis: MastodonCustomEmoji[];
  card: MastodonPreviewCard | null;
  poll: MastodonPoll | null;
  application: MastodonApplication | null;
}

export interface MastodonContext {
  ancestors: MastodonStatus[];
  descendants: MastodonStatus[];
}

export interface MastodonStatusSource {
  id: string;
  text: string;
  spoiler_text: string;
}

export function serializeMention(view: AccountView): MastodonMention {
  const a = view.account;
  return { id: a.id, username: a.username, acct: acct(a), url: a.url ?? a.uri };
}

/** `en-GB` → `en`: Mastodon reports ISO 639 codes only. */
function language(tag: string | null): string | null {
  const m = tag?.toLowerCase().match(/^([a-z]{2,3})(?:[-_]|$)/);
  return m ? m[1] : null;
}

export function serializeStatus(view: StatusView, config: Pick<Config, "url">): MastodonStatus {
  const s = view.status;
  const out: MastodonStatus = {
    id: s.id,
    uri: s.uri,
    url: s.url ?? (s.local ? null : s.uri),
    created_at: isoDate(s.created_at),
    edited_at: isoDate(s.edited_at),
    account: serializeAccount(view.account, config),
    in_reply_to_id: s.in_reply_to_id,
    in_reply_to_account_id: s.in_reply_to_account_id,
    reblog: view.reblog ? serializeStatus(view.reblog, config) : null,
    content: s.content,
    spoiler_text: s.spoiler_text,
    sensitive: s.sensitive === 1,
    visibility: s.visibility,
    language: language(s.language),
    replies_count: s.replies_count,
    reblogs_count: s.reblogs_count,
    favourites_count: s.favourites_count,
    filtered: [],
    media_attachments: view.media.map((m) => serializeMediaAttachment(m, config)),
    mentions: view.mentions.map(serializeMention),
    tags: view.tags.map((t) => serializeStatusTag(t, config)),
    emojis: [],
    card: view.card ? serializePreviewCard(view.card) : null,
    poll: view.poll ? serializePoll(view.poll) : null,
    application: serializeApplication(view.application),
  };
  if (view.viewer) {
    out.favourited = view.viewer.favourited;
    out.reblogged = view.viewer.reblogged;
    out.muted = view.viewer.muted;
    out.bookmarked = view.viewer.bookmarked;
    if (view.viewer.pinned !== null) out.pinned = view.viewer.pinned;
  }
  return out;
}

export function serializeContext(
  ancestors: StatusView[],
  descendants: StatusView[],
  config: Pick<Config, "url">,
): MastodonContext {
  return {
    ancestors: ancestors.map((s) => serializeStatus(s, config)),
    descendants: descendants.map((s) => serializeStatus(s, config)),
  };
}

export function serializeStatusSource(
  s: { id: string; text: string | null; content: string; spoiler_text: string },
): MastodonStatusSource {
  return { id: s.id, text: s.text ?? htmlToPlainText(s.content), spoiler_text: s.spoiler_text };
}
