import { paths } from "../uris.ts";
import { extractEntities, isParsableUrl, type HashtagEntity, type MentionEntity, type TextEntity } from "./entities.ts";
import { escapeHtml } from "./escape.ts";
import { mentionKey } from "./extract.ts";

/*
 * A local post's plain text to the HTML Mastodon would store for it (TextFormatter): the text
 * is escaped, links, hashtags and resolvable mentions become markup, blank lines start a
 * paragraph and single line breaks become <br />. Clients and remote servers display this HTML
 * as they display Mastodon's, so the markup follows Mastodon's byte for byte.
 */

/** What a mention links to. */
export interface MentionTarget {
  /** profile page the mention links to */
  url: string;
  /** the account's username, in its canonical case */
  username: string;
  /** "alice@example.com" (or "alice" when local): shown instead when two mentioned accounts share a username */
  acct?: string;
}

export interface RenderHooks {
  /** The account a mention refers to, or null to leave the mention as plain text. */
  resolveMention?: (username: string, domain: string | null) => MentionTarget | null | undefined;
  /** Where a hashtag links to. */
  tagUrl: (name: string) => string;
}

export function renderPlainText(text: string, hooks: RenderHooks): string {
  if (/^\p{White_Space}*$/u.test(text)) return "";
  const entities = extractEntities(text);
  const mentions = resolveMentions(entities, hooks);
  let html = "";
  let last = 0;
  for (const entity of entities) {
    html += escapeHtml(text.slice(last, entity.start));
    html += renderEntity(entity, hooks, mentions);
    last = entity.end;
  }
  html += escapeHtml(text.slice(last));
  return simpleFormat(html);
}

export interface ResolvedMention {
  /** profile page the mention links to */
  url: string;
  /** "alice" for a local account, "alice@example.com" for a remote one (canonical case) */
  acct: string;
}

/** Keyed by mentionKey(): the lower-cased acct as written, local domain removed. */
export type MentionResolver = ReadonlyMap<string, ResolvedMention>;

export interface RenderOptions {
  /** this server's base URL, for hashtag links */
  baseUrl: string | URL;
  /** mentions the caller resolved to accounts; a mention not in here stays plain text */
  mentions?: MentionResolver;
  /** this server's domain (with port, if any): "@alice@<it>" is the local "@alice" */
  localDomain?: string;
}

/** renderPlainText with mentions looked up in a map and tags linked to this server's /tags/. */
export function renderPostHtml(text: string, options: RenderOptions): string {
  return renderPlainText(text, {
    resolveMention: (username, domain) => {
      const account = options.mentions?.get(mentionKey(username, domain, options));
      return account && { url: account.url, username: account.acct.split("@")[0], acct: account.acct };
    },
    tagUrl: (name) => new URL(paths.tag(name), options.baseUrl).href,
  });
}

type ResolvedMentions = Map<MentionEntity, { target: MentionTarget; display: string }>;

function resolveMentions(entities: TextEntity[], hooks: RenderHooks): ResolvedMentions {
  const targets = new Map<MentionEntity, MentionTarget>();
  for (const entity of entities) {
    if (entity.kind !== "mention" || !hooks.resolveMention) continue;
    const target = hooks.resolveMention(entity.username, entity.domain);
    if (target) targets.set(entity, target);
  }
  // Two different accounts with one username are told apart by their full acct, as Mastodon does.
  const resolved: ResolvedMentions = new Map();
  for (const [entity, target] of targets) {
    const ambiguous = [...targets.values()].some(
      (other) => other.url !== target.url && other.username.toLowerCase() === target.username.toLowerCase(),
    );
    resolved.set(entity, { target, display: ambiguous ? (target.acct ?? entity.handle) : target.username });
  }
  return resolved;
}

function renderEntity(entity: TextEntity, hooks: RenderHooks, mentions: ResolvedMentions): string {
  switch (entity.kind) {
    case "url":
      return linkToUrl(entity.url);
    case "hashtag":
      return linkToHashtag(entity, hooks);
    case "mention":
      return linkToMention(entity, mentions);
  }
}

const URL_PREFIX = /^(?:https?:\/\/(?:www\.)?|xmpp:)/;
const DISPLAY_LENGTH = 30;

/**
 * The scheme (and "www.") is hidden, the first 30 characters are shown and the rest hidden
 * behind an ellipsis, except that a single hidden character is shown instead.
 */
export function linkToUrl(url: string): string {
  if (!isParsableUrl(url)) return escapeHtml(url);
  const prefix = URL_PREFIX.exec(url)?.[0] ?? "";
  const rest = Array.from(url.slice(prefix.length));
  let display = rest.slice(0, DISPLAY_LENGTH).join("");
  let suffix = rest.slice(DISPLAY_LENGTH).join("");
  let cutoff = rest.length > DISPLAY_LENGTH;
  if (rest.length === DISPLAY_LENGTH + 1) {
    display += suffix;
    suffix = "";
    cutoff = false;
  }
  return (
    `<a href="${escapeHtml(url)}" target="_blank" rel="nofollow noopener" translate="no">` +
    `<span class="invisible">${escapeHtml(prefix)}</span>` +
    `<span class="${cutoff ? "ellipsis" : ""}">${escapeHtml(display)}</span>` +
    `<span class="invisible">${escapeHtml(suffix)}</span></a>`
  );
}

function linkToHashtag(entity: HashtagEntity, hooks: RenderHooks): string {
  const href = hooks.tagUrl(entity.name);
  return `<a href="${escapeHtml(href)}" class="mention hashtag" rel="tag">#<span>${escapeHtml(entity.name)}</span></a>`;
}

function linkToMention(entity: MentionEntity, mentions: ResolvedMentions): string {
  const resolved = mentions.get(entity);
  if (!resolved) return `@${escapeHtml(entity.handle)}`;
  return (
    `<span class="h-card" translate="no"><a href="${escapeHtml(resolved.target.url)}" class="u-url mention">` +
    `@<span>${escapeHtml(resolved.display)}</span></a></span>`
  );
}

/**
 * Rails' simple_format as Mastodon calls it: paragraphs split on blank lines, single newlines
 * to <br />, and every remaining newline removed.
 */
function simpleFormat(html: string): string {
  const paragraphs = html.replace(/\r\n?/g, "\n").split(/\n\n+/);
  // Ruby's split drops trailing empty pieces but keeps leading ones.
  while (paragraphs.length > 0 && paragraphs[paragraphs.length - 1] === "") paragraphs.pop();
  return paragraphs
    .map((paragraph) => `<p>${paragraph.replace(/([^\n]\n)(?=[^\n])/g, "$1<br />")}</p>`)
    .join("")
    .replace(/\n/g, "");
}
