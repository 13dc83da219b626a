import { extractEntities, extractMentionEntities, extractUrlEntities, isParsableUrl, removeOverlapping } from "./entities.ts";
import { normalizeHashtag } from "./hashtags.ts";

/*
 * What a post refers to, read from the same entity pass that renders it, so every mention,
 * tag and link stored for a post is one a reader sees linked, and nothing else.
 */

export interface ExtractedMention {
  username: string;
  /** null for a local mention: "@alice", or "@alice@<localDomain>" */
  domain: string | null;
  /** "alice" or "alice@example.com", as written (case kept) */
  acct: string;
}

export interface ExtractedHashtag {
  /** normalised: what tags are stored and matched by */
  name: string;
  /** as first written in the post, for display */
  display: string;
}

export interface ExtractOptions {
  /** this server's domain (with port, if any): "@alice@<it>" is the local "@alice" */
  localDomain?: string;
}

/** Lower-cased acct, the key a mention resolver map uses. Local accounts have no domain. */
export function mentionKey(username: string, domain: string | null, options: ExtractOptions = {}): string {
  const local = domain === null || isLocalDomain(domain, options.localDomain);
  return (local ? username : `${username}@${domain}`).toLowerCase();
}

export function isLocalDomain(domain: string, localDomain: string | undefined): boolean {
  return localDomain !== undefined && domain.toLowerCase() === localDomain.toLowerCase();
}

/** Each account mentioned once, in order of first mention. */
export function extractMentions(text: string, options: ExtractOptions = {}): ExtractedMention[] {
  const seen = new Set<string>();
  const mentions: ExtractedMention[] = [];
  for (const entity of extractEntities(text)) {
    if (entity.kind !== "mention") continue;
    const key = mentionKey(entity.username, entity.domain, options);
    if (seen.has(key)) continue;
    seen.add(key);
    const domain = entity.domain !== null && !isLocalDomain(entity.domain, options.localDomain) ? entity.domain : null;
    mentions.push({ username: entity.username, domain, acct: domain ? `${entity.username}@${domain}` : entity.username });
  }
  return mentions;
}

/** Each tag once (by normalised name), in order of first use. */
export function extractHashtags(text: string): ExtractedHashtag[] {
  const seen = new Set<string>();
  const tags: ExtractedHashtag[] = [];
  for (const entity of extractEntities(text)) {
    if (entity.kind !== "hashtag") continue;
    const name = normalizeHashtag(entity.name);
    if (!name || seen.has(name)) continue;
    seen.add(name);
    tags.push({ name, display: entity.name });
  }
  return tags;
}

/** Links in order of appearance, duplicates removed: what a link preview would be built from. */
export function extractUrls(text: string): string[] {
  const urls: string[] = [];
  for (const entity of extractEntities(text)) {
    if (entity.kind === "url" && isParsableUrl(entity.url) && !urls.includes(entity.url)) urls.push(entity.url);
  }
  return urls;
}

/** Mastodon counts every link as 23 characters, whatever its length. */
export const URL_CHARACTER_COST = 23;

/**
 * Characters a post costs against the limit, as Mastodon's StatusLengthValidator counts them:
 * user-perceived characters (grapheme clusters) of the content warning plus the text, where each
 * link counts as 23 and a mention counts as "@username" only (its domain is free).
 */
export function countCharacters(text: string, spoilerText = ""): number {
  let countable = "";
  if (!/^\p{White_Space}*$/u.test(text)) {
    // Only scheme:// links get the fixed cost: xmpp: and magnet: URIs count in full.
    const entities = removeOverlapping([...extractUrlEntities(text), ...extractMentionEntities(text)]);
    let last = 0;
    for (const entity of entities) {
      countable += text.slice(last, entity.start);
      countable += entity.kind === "url" ? "x".repeat(URL_CHARACTER_COST) : `@${entity.username}`;
      last = entity.end;
    }
    countable += text.slice(last);
  }
  return graphemeLength(spoilerText + countable);
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

function graphemeLength(value: string): number {
  let count = 0;
  for (const _ of graphemes.segment(value)) count++;
  return count;
}
