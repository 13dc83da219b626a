import { domainToASCII } from "node:url";
import {
  extendedUriPattern,
  hashtagPattern,
  mentionPattern,
  MENTION_END_REJECT,
  urlPattern,
} from "./patterns.ts";

/*
 * Entity extraction the way Mastodon's Extractor does it: links (with a scheme), xmpp:/magnet:
 * URIs, hashtags and mentions are found independently, then sorted by position and any entity
 * overlapping an earlier one is dropped. Offsets are UTF-16 indices into the text.
 */

export interface UrlEntity {
  kind: "url";
  url: string;
  start: number;
  end: number;
}

export interface HashtagEntity {
  kind: "hashtag";
  /** as written, without the leading "#" */
  name: string;
  start: number;
  end: number;
}

export interface MentionEntity {
  kind: "mention";
  /** as written, without the leading "@": "alice" or "alice@example.com" */
  handle: string;
  username: string;
  domain: string | null;
  start: number;
  end: number;
}

export type TextEntity = UrlEntity | HashtagEntity | MentionEntity;

const MAX_URL_LENGTH = 4096;
const MAX_DOMAIN_LENGTH = 253;
const TCO_URL = /^https?:\/\/t\.co\/([a-z0-9]+)/i;
const MAX_TCO_SLUG_LENGTH = 40;

/** Links that spell out a scheme such as https:// (Mastodon never links a bare domain). */
export function extractUrlEntities(text: string): UrlEntity[] {
  if (!text.includes(":")) return [];
  const found: UrlEntity[] = [];
  for (const match of text.matchAll(urlPattern())) {
    const groups = match.groups!;
    let url = groups.url;
    const start = match.index + groups.before.length;
    const tco = TCO_URL.exec(url);
    if (tco) {
      if (tco[1].length > MAX_TCO_SLUG_LENGTH) continue;
      url = tco[0];
    }
    if (!isValidDomain(url.length, groups.domain)) continue;
    found.push({ kind: "url", url, start, end: start + url.length });
  }
  return found;
}

/** xmpp: and magnet: URIs. */
export function extractExtendedUriEntities(text: string): UrlEntity[] {
  if (!text.includes(":")) return [];
  const found: UrlEntity[] = [];
  for (const match of text.matchAll(extendedUriPattern())) {
    const groups = match.groups!;
    const start = match.index + groups.before.length;
    found.push({ kind: "url", url: groups.url, start, end: start + groups.url.length });
  }
  return found;
}

// twitter-text rejects a URL whose punycoded form would exceed the length limit, or whose
// domain cannot be converted at all.
function isValidDomain(urlLength: number, domain: string): boolean {
  const ascii = domainToASCII(domain);
  if (!ascii) return false;
  return urlLength + Math.max(0, ascii.length - domain.length) <= MAX_URL_LENGTH;
}

export function extractHashtagEntities(text: string): HashtagEntity[] {
  if (!text.includes("#") && !text.includes("＃")) return [];
  const found: HashtagEntity[] = [];
  for (const match of text.matchAll(hashtagPattern())) {
    let name = match.groups!.name;
    const start = match.index;
    // "#foohttps://example.com" is the hashtag "foo" followed by a link.
    if (text.startsWith("://", start + 1 + name.length)) {
      const split = /^(.+)(https?)$/su.exec(name);
      if (split) name = split[1];
    }
    found.push({ kind: "hashtag", name, start, end: start + 1 + name.length });
  }
  return found;
}

export function extractMentionEntities(text: string): MentionEntity[] {
  if (!text.includes("@") && !text.includes("＠")) return [];
  const found: MentionEntity[] = [];
  for (const match of text.matchAll(mentionPattern())) {
    const groups = match.groups!;
    const end = match.index + match[0].length;
    if (MENTION_END_REJECT.test(text.slice(end, end + 3))) continue;
    const domain = groups.domain ?? null;
    if (domain !== null && domain.length > MAX_DOMAIN_LENGTH) continue;
    found.push({ kind: "mention", handle: groups.handle, username: groups.username, domain, start: match.index, end });
  }
  return found;
}

/**
 * Whether a found URL also parses as one. Mastodon hands each URL to Addressable and shows it
 * as plain text when that fails, which for what the pattern admits means a backslash in the host.
 */
export function isParsableUrl(url: string): boolean {
  return !/^[a-z]+:\/\/[^/?#]*\\/i.test(url);
}

/** Keeps the earliest of any entities that overlap. */
export function removeOverlapping<T extends { start: number; end: number }>(entities: T[]): T[] {
  const sorted = [...entities].sort((a, b) => a.start - b.start);
  const kept: T[] = [];
  for (const entity of sorted) {
    const previous = kept[kept.length - 1];
    if (previous && previous.end > entity.start) continue;
    kept.push(entity);
  }
  return kept;
}

/** Everything Mastodon turns into markup when it formats a local post, in text order. */
export function extractEntities(text: string): TextEntity[] {
  return removeOverlapping<TextEntity>([
    ...extractUrlEntities(text),
    ...extractHashtagEntities(text),
    ...extractMentionEntities(text),
    ...extractExtendedUriEntities(text),
  ]);
}
