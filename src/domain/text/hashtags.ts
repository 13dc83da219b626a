import { HASHTAG_INVALID_CHARS, HASHTAG_NAME } from "./patterns.ts";

/*
 * Hashtag names are matched case- and accent-insensitively, as Mastodon's HashtagNormalizer
 * does: NFKC (full-width letters become ASCII), lower case, fold Latin-1 and Latin Extended-A
 * letters to ASCII, drop what a tag name cannot hold. #Café, #cafe and #ＣＡＦＥ are one tag.
 */

// Letters that have no canonical decomposition but still fold to one ASCII letter.
const FOLD_EXCEPTIONS: Record<string, string> = {
  Ð: "D", ð: "d", Đ: "D", đ: "d", Ħ: "H", ħ: "h", ı: "i", ĸ: "k", Ŀ: "L", ŀ: "l", Ł: "L", ł: "l",
  ŉ: "n", Ŋ: "N", ŋ: "n", Ø: "O", ø: "o", ſ: "s", Ŧ: "T", ŧ: "t",
};

// Ligatures and letters without a one-letter ASCII twin stay as they are.
const NOT_FOLDED = new Set(["×", "÷", "Æ", "æ", "Þ", "þ", "ß", "Ĳ", "ĳ", "Œ", "œ"]);

const ASCII_FOLD: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (let code = 0xc0; code <= 0x17f; code++) {
    const char = String.fromCharCode(code);
    if (NOT_FOLDED.has(char)) continue;
    const folded = FOLD_EXCEPTIONS[char] ?? char.normalize("NFD")[0];
    if (/^[A-Za-z]$/.test(folded)) map.set(char, folded);
  }
  return map;
})();

function asciiFold(value: string): string {
  let out = "";
  for (const char of value) out += ASCII_FOLD.get(char) ?? char;
  return out;
}

/** The form tags are stored and compared in. May be empty for input with no usable characters. */
export function normalizeHashtag(name: string): string {
  const bare = name.replace(/^[#＃]/u, "");
  return asciiFold(bare.normalize("NFKC").toLowerCase()).replace(HASHTAG_INVALID_CHARS, "");
}

const HASHTAG_NAME_ONLY = new RegExp(`^${HASHTAG_NAME}$`, "u");

/** Whether a name (without "#") is one Mastodon would accept as a hashtag, e.g. for /tags/:name. */
export function isValidHashtagName(name: string): boolean {
  return HASHTAG_NAME_ONLY.test(name);
}
