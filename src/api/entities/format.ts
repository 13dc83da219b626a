/*
 * Small formatting rules shared by the serializers. Pure: no I/O.
 */

/** ISO-8601 with milliseconds and Z, as Mastodon renders every timestamp. */
export function isoDate(value: string): string;
export function isoDate(value: string | null): string | null;
export function isoDate(value: string | null): string | null {
  if (value == null) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

/** Only the day, as Mastodon gives `last_status_at` (a coarse date protects privacy). */
export function dayOnly(value: string | null): string | null {
  return value ? isoDate(value).slice(0, 10) : null;
}

/** Midnight UTC of the day, as Mastodon gives an account's `created_at`. */
export function midnight(value: string): string {
  return `${isoDate(value).slice(0, 10)}T00:00:00.000Z`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

/** Escaped text with http(s) links made clickable, Mastodon's way (scheme hidden). */
export function linkify(text: string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    out += escapeHtml(text.slice(last, m.index));
    const href = m[0];
    const scheme = href.match(/^https?:\/\//)![0];
    out +=
      `<a href="${escapeHtml(href)}" target="_blank" rel="nofollow noopener me" translate="no">` +
      `<span class="invisible">${scheme}</span><span class="">${escapeHtml(href.slice(scheme.length))}</span></a>`;
    last = m.index + href.length;
  }
  return out + escapeHtml(text.slice(last));
}

/** Plain text as typed (a local bio) to the HTML clients expect: paragraphs and line breaks. */
export function plainToHtml(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return "";
  return trimmed
    .split(/\n{2,}/)
    .map((p) => `<p>${p.split("\n").map(linkify).join("<br />")}</p>`)
    .join("");
}

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
