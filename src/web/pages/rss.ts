import type { Config } from "../../config.ts";
import type { StatusView } from "../../domain/hydrate.ts";
import { escapeHtml } from "../../domain/text/index.ts";
import { absolute, mediaUrls, statusPath } from "./format.ts";

/*
 * RSS 2.0 feeds of public posts (a profile's, a hashtag's), as Mastodon offers at /@user.rss
 * and /tags/name.rss. Item descriptions hold the post's HTML, escaped once more as XML text;
 * attachments are Media RSS elements with their descriptions.
 */

export interface FeedChannel {
  title: string;
  /** the page the feed mirrors */
  link: string;
  /** this feed's own address */
  self: string;
  description: string;
  image?: string | null;
}

// Characters XML 1.0 does not allow at all; remote text could carry them.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function x(text: string): string {
  return escapeHtml(text.replace(NOT_XML, ""));
}

function rfc822(iso: string): string {
  return new Date(iso).toUTCString();
}

function item(view: StatusView, config: Pick<Config, "url">): string {
  const s = view.status;
  const link = s.local ? absolute(config, statusPath(view.account.account, s.id)) : (s.url ?? s.uri);
  const warning = s.spoiler_text ? `<p><strong>Content warning: ${escapeHtml(s.spoiler_text)}</strong></p>` : "";
  const media = view.media.flatMap((m) => {
    const { url } = mediaUrls(m, config);
    if (!url) return [];
    const medium = m.type === "gifv" ? "video" : m.type === "unknown" ? "document" : m.type;
    const type = m.content_type ? ` type="${x(m.content_type)}"` : "";
    const alt = m.description ? `<media:description type="plain">${x(m.description)}</media:description>` : "";
    return [`<media:content url="${x(url)}"${type} medium="${medium}">${alt}</media:content>`];
  });
  return [
    "<item>",
    `<guid isPermaLink="true">${x(link)}</guid>`,
    `<link>${x(link)}</link>`,
    `<pubDate>${rfc822(s.created_at)}</pubDate>`,
    s.spoiler_text ? `<title>${x(s.spoiler_text)}</title>` : "",
    `<description>${x(warning + s.content)}</description>`,
    ...media,
    ...view.tags.map((t) => `<category>${x(t.display_name || t.name)}</category>`),
    "</item>",
  ].filter(Boolean).join("\n");
}

export function renderRss(channel: FeedChannel, views: StatusView[], config: Pick<Config, "url">): string {
  const newest = views[0]?.status.created_at;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">',
    "<channel>",
    `<title>${x(channel.title)}</title>`,
    `<link>${x(channel.link)}</link>`,
    `<description>${x(channel.description)}</description>`,
    `<atom:link href="${x(channel.self)}" rel="self" type="application/rss+xml"/>`,
    channel.image
      ? `<image><url>${x(channel.image)}</url><title>${x(channel.title)}</title><link>${x(channel.link)}</link></image>`
      : "",
    newest ? `<lastBuildDate>${rfc822(newest)}</lastBuildDate>` : "",
    "<generator>Weft</generator>",
    ...views.map((v) => item(v, config)),
    "</channel>",
    "</rss>",
    "",
  ].filter((line, i, all) => line !== "" || i === all.length - 1).join("\n");
}
