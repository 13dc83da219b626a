import type { Context } from "hono";
import type { Config } from "../config.ts";
import { isId } from "../domain/ids.ts";
import type { Page } from "../domain/pagination.ts";

/*
 * Mastodon's id-based paging, shared by every list endpoint: read max_id / since_id / min_id /
 * limit from the query, and answer with a Link header pointing at the next (older) and
 * previous (newer) pages.
 */

export interface PageLimits {
  /** Mastodon uses 20/40 for statuses and notifications, 40/80 for accounts */
  defaultLimit?: number;
  maxLimit?: number;
}

function idParam(value: string | undefined): string | null {
  // Anything that is not an id could not match a row; ignoring it beats a 500 from the database.
  return value && isId(value) ? value : null;
}

export function parsePage(c: Context, limits: PageLimits = {}): Page {
  const defaultLimit = limits.defaultLimit ?? 20;
  const maxLimit = limits.maxLimit ?? 40;
  const raw = Number.parseInt(c.req.query("limit") ?? "", 10);
  const limit = Number.isFinite(raw) && raw > 0 ? Math.min(raw, maxLimit) : defaultLimit;
  return {
    maxId: idParam(c.req.query("max_id")),
    sinceId: idParam(c.req.query("since_id")),
    minId: idParam(c.req.query("min_id")),
    limit,
  };
}

const PAGING_KEYS = new Set(["max_id", "since_id", "min_id"]);

/** The request's own URL on the public origin, with other paging parameters dropped. */
function pageUrl(config: Pick<Config, "url">, requestUrl: string, key: "max_id" | "min_id", id: string): string {
  const req = new URL(requestUrl);
  const url = new URL(req.pathname, config.url);
  for (const [k, v] of req.searchParams) if (!PAGING_KEYS.has(k)) url.searchParams.append(k, v);
  url.searchParams.set(key, id);
  return url.href;
}

/**
 * The Link header for a page whose paging keys (in display order, newest first) are `keys`.
 * As on Mastodon: "next" only when the page was full (there may be more), "prev" whenever the
 * page is not empty. Null when there is nothing to link.
 */
export function linkHeader(
  config: Pick<Config, "url">,
  requestUrl: string,
  keys: readonly string[],
  page: Pick<Page, "limit">,
): string | null {
  if (!keys.length) return null;
  const links: string[] = [];
  if (keys.length >= page.limit) links.push(`<${pageUrl(config, requestUrl, "max_id", keys[keys.length - 1])}>; rel="next"`);
  links.push(`<${pageUrl(config, requestUrl, "min_id", keys[0])}>; rel="prev"`);
  return links.join(", ");
}

/** Sets the Link header on the response, if there is one. */
export function setLinkHeader(c: Context, config: Pick<Config, "url">, keys: readonly string[], page: Pick<Page, "limit">): void {
  const link = linkHeader(config, c.req.url, keys, page);
  if (link) c.header("Link", link);
}
