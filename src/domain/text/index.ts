/*
 * Post text in and out: a local post's plain text to Mastodon-identical HTML (with what it
 * mentions, tags and links), remote HTML made safe, and any HTML back to plain text.
 * Pure functions: no database, no network.
 */
export {
  renderPlainText,
  renderPostHtml,
  linkToUrl,
  type RenderHooks,
  type MentionTarget,
  type RenderOptions,
  type MentionResolver,
  type ResolvedMention,
} from "./render.ts";
export {
  extractMentions,
  extractHashtags,
  extractUrls,
  countCharacters,
  mentionKey,
  URL_CHARACTER_COST,
  type ExtractedMention,
  type ExtractedHashtag,
  type ExtractOptions,
} from "./extract.ts";
export { normalizeHashtag, isValidHashtagName } from "./hashtags.ts";
export { sanitizeRemoteHtml, LINK_PROTOCOLS } from "./sanitize.ts";
export { htmlToPlainText } from "./plain.ts";
export { escapeHtml } from "./escape.ts";
