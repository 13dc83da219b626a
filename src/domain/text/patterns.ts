import tlds from "tlds" with { type: "json" };

/*
 * The regular expressions Mastodon uses to find links, mentions and hashtags in a post.
 * Mastodon builds them from twitter-text's expressions with its own overrides
 * (config/initializers/twitter_regex.rb, Account::MENTION_RE, Tag::HASHTAG_RE); they are
 * rebuilt here from those rules so a post links the same words on Weft as on Mastodon.
 * Ruby's POSIX classes are Unicode-aware, so [[:word:]] becomes L|M|Nd|Pc and
 * [[:alpha:]] becomes L|M. Every pattern uses the `u` flag.
 */

const DIRECTIONAL = "\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069";
const INVALID = "\\uFFFE\\uFEFF\\uFFFF";
const UNICODE_SPACES = "\\u0009-\\u000D\\u0020\\u0085\\u00A0\\u1680\\u180E\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
const PUNCTUATION = "!\"#$%&'()*+,\\-./:;<=>?@\\[\\]\\^_`{|}~";
const CTRL = "\\x00-\\x1F\\x7F";
export const LATIN_ACCENTS =
  "\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u00FF\\u0100-\\u024F\\u0253\\u0254\\u0256\\u0257\\u0259\\u025B" +
  "\\u0263\\u0268\\u026F\\u0272\\u0289\\u028B\\u02BB\\u0300-\\u036F\\u1E00-\\u1EFF";

export const WORD = "\\p{L}\\p{M}\\p{Nd}\\p{Pc}";
export const ALPHA = "\\p{L}\\p{M}";

// A character that may appear in a domain label: anything but punctuation, spaces and controls.
const DOMAIN_CHAR = `[^${DIRECTIONAL}${PUNCTUATION}${CTRL}${INVALID}${UNICODE_SPACES}]`;
const SUBDOMAIN = `(?:(?:${DOMAIN_CHAR}(?:[_\\-]|${DOMAIN_CHAR})*)?${DOMAIN_CHAR}\\.)`;
const DOMAIN_NAME = `(?:(?:${DOMAIN_CHAR}(?:-|${DOMAIN_CHAR})*)?${DOMAIN_CHAR}\\.)`;

// Only a real top-level domain ends a linkable host, which is why Mastodon does not link
// https://localhost/ or bare IP addresses. Longest first keeps the alternation cheap.
const TLD_ALTERNATION = [...tlds]
  .sort((a, b) => b.length - a.length)
  .map((tld) => tld.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
  .join("|");
const TLD = `(?:(?:${TLD_ALTERNATION})(?=[^0-9a-z@+\\-]|$))`;
const PUNYCODE_TLD = "(?:xn--[0-9a-z]+)";
export const DOMAIN = `(?:${SUBDOMAIN}*${DOMAIN_NAME}(?:${TLD}|${PUNYCODE_TLD}))`;

const PRECEDING = `(?:[^A-Z0-9@＠$#＃${INVALID}]|[${DIRECTIONAL}]|^)`;

// twitter-text's original path characters: Mastodon's override of the path-ending rule
// was written before it redefined the balanced-parentheses rule, so the ending still uses these.
const ORIGINAL_PATH_CHAR = `[a-z\\p{Script=Cyrillic}0-9!*';:=+,.$/%#\\[\\]\\p{Pd}_~&|@${LATIN_ACCENTS}]`;
const ORIGINAL_BALANCED_PARENS =
  `\\((?:${ORIGINAL_PATH_CHAR}+|(?:${ORIGINAL_PATH_CHAR}*\\(${ORIGINAL_PATH_CHAR}+\\)${ORIGINAL_PATH_CHAR}*))\\)`;

const PATH_CHAR = "[^\\p{White_Space}<>()?]";
const BALANCED_PARENS = `\\((?:${PATH_CHAR}+|(?:${PATH_CHAR}*\\(${PATH_CHAR}+\\)${PATH_CHAR}*))\\)`;
// A path does not end in punctuation, so "see https://example.com/foo." leaves the dot out.
// It may end in "@" (Mastodon 4.3: https://gta.fandom.com/wiki/TW@ is a real page).
const PATH_ENDING = `(?:[^\\p{White_Space}()?!*"'「」<>;:=,.$%\\[\\]~&|]|${ORIGINAL_BALANCED_PARENS})`;
const PATH = `(?:(?:${PATH_CHAR}*(?:${BALANCED_PARENS}${PATH_CHAR}*)*${PATH_ENDING})|(?:${PATH_CHAR}+/))`;

const UCHARS =
  "\\u{A0}-\\u{D7FF}\\u{F900}-\\u{FDCF}\\u{FDF0}-\\u{FFEF}\\u{10000}-\\u{1FFFD}\\u{20000}-\\u{2FFFD}" +
  "\\u{30000}-\\u{3FFFD}\\u{40000}-\\u{4FFFD}\\u{50000}-\\u{5FFFD}\\u{60000}-\\u{6FFFD}\\u{70000}-\\u{7FFFD}" +
  "\\u{80000}-\\u{8FFFD}\\u{90000}-\\u{9FFFD}\\u{A0000}-\\u{AFFFD}\\u{B0000}-\\u{BFFFD}\\u{C0000}-\\u{CFFFD}" +
  "\\u{D0000}-\\u{DFFFD}\\u{E1000}-\\u{EFFFD}\\u{E000}-\\u{F8FF}\\u{F0000}-\\u{FFFFD}\\u{100000}-\\u{10FFFD}";
const QUERY_CHAR = `[a-z0-9!?*'();:&=+$/%#\\[\\]\\-_.,~|@\\^${UCHARS}]`;
const QUERY_ENDING = `[a-z0-9_&=#/\\-${UCHARS}]`;
const QUERY = `\\?${QUERY_CHAR}*${QUERY_ENDING}`;

/**
 * Links that spell out their scheme, the only ones Mastodon links. Mastodon scans with the
 * scheme optional and then drops matches without one; requiring it here keeps the scan linear
 * (an optional scheme lets every position start a match, which is quadratic on a long run of
 * label-like text). The two differ only for a link glued inside the path of a bare domain, as in
 * "example.com/https://example.org", which Mastodon leaves unlinked and this links.
 */
export function urlPattern(): RegExp {
  return new RegExp(
    `(?<before>${PRECEDING})` +
      `(?<url>(?<protocol>(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://)` +
      `(?<domain>${DOMAIN})(?::[0-9]+)?(?<path>/${PATH}*)?(?:${QUERY})?)`,
    "gimu",
  );
}

const UNRESERVED = "[a-z\\p{Script=Cyrillic}0-9\\p{Pd}._~]";
const PCT_ENCODED = "(?:%[0-9a-f]{2})";
const NODE_ID = `(?:${UNRESERVED}|${PCT_ENCODED}|[!$()*+,;=])`;
const RESOURCE_ID = `(?:${UNRESERVED}|${PCT_ENCODED}|[!$&'()*+,;=])`;
const XMPP_URI = `(?:xmpp:(?://${NODE_ID}+@${DOMAIN}/)?(?:${NODE_ID}+@)?${DOMAIN}(?:/${RESOURCE_ID}+)?(?:${QUERY})?)`;
const MAGNET_URI = `(?:magnet:${QUERY})`;

/** xmpp: and magnet: links, which Mastodon links too although they have no "//". */
export function extendedUriPattern(): RegExp {
  return new RegExp(`(?<before>${PRECEDING})(?<url>${XMPP_URI}|${MAGNET_URI})`, "gimu");
}

/*
 * Account::MENTION_RE. One addition: an optional :port after the domain, so that a handle
 * like @alice@127.0.0.2:8443 (Weft's own test network) is one mention; Mastodon would stop
 * before the colon and leave a mention that cannot resolve.
 */
export function mentionPattern(): RegExp {
  return new RegExp(
    `(?<![=/${WORD}])@(?<handle>(?<username>[a-z0-9_]+(?:[a-z0-9_.\\-]+[a-z0-9_]+)?)` +
      `(?:@(?<domain>[${WORD}.\\-]+[${WORD}]+(?::[0-9]{1,5}(?![${WORD}]))?))?)`,
    "giu",
  );
}

/** twitter-text's end_mention_match: "@a@" or "@alice://" is not a mention. */
// The class holds combining marks on purpose: a mention followed by one is not a mention.
// eslint-disable-next-line no-misleading-character-class
export const MENTION_END_REJECT = new RegExp(`^(?:[@＠]|[${LATIN_ACCENTS}]|://)`, "iu");

const HASHTAG_SEPARATORS = "_\\u00B7\\u30FB\\u200C";
const HASHTAG_FIRST_SEQUENCE =
  `(?:[${WORD}_][${WORD}${HASHTAG_SEPARATORS}]*[${ALPHA}${HASHTAG_SEPARATORS}]` +
  `[${WORD}${HASHTAG_SEPARATORS}]*[${WORD}_])`;
const HASHTAG_LAST_SEQUENCE = `(?:[${WORD}_]*[${ALPHA}][${WORD}_]*)`;
export const HASHTAG_NAME = `(?:${HASHTAG_FIRST_SEQUENCE}|${HASHTAG_LAST_SEQUENCE})`;

/** Tag::HASHTAG_RE: a hashtag starts a line or follows whitespace, and is not all digits. */
export function hashtagPattern(): RegExp {
  return new RegExp(`(?<=^|\\p{White_Space})[#＃](?<name>${HASHTAG_NAME})`, "gmu");
}

export const HASHTAG_INVALID_CHARS = new RegExp(`[^\\p{L}\\p{M}\\p{Nd}\\u0E47-\\u0E4E${HASHTAG_SEPARATORS}]`, "gu");
