import type { Config } from "../../config.ts";
import { renderPostHtml } from "../../domain/text/index.ts";

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

/** A local bio as typed to the HTML Mastodon renders for it: links, hashtags, paragraphs. */
export function bioHtml(text: string, config: Pick<Config, "url">): string {
  return renderPostHtml(text.trim(), { baseUrl: config.url, localDomain: config.url.host });
}

/**
 * A local profile field value: linked like a bio, but on one line (no paragraphs), its links
 * marked rel="me" as Mastodon's are ("nofollow noopener me"), so a page linking back verifies it.
 * The renderer escapes typed text, so the attribute can only be one of its own links'.
 */
export function fieldHtml(text: string, config: Pick<Config, "url">): string {
  return bioHtml(text.replace(/\s+/g, " "), config)
    .replace(/^<p>/, "")
    .replace(/<\/p>$/, "")
    .replaceAll('rel="nofollow noopener"', 'rel="nofollow noopener me"');
}

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
