import { html } from "hono/html";
import { STYLESHEET_PATH } from "./style.ts";

/*
 * The shell every public page shares: landmarks (banner, navigation, main, contentinfo), a
 * skip link, one stylesheet from this origin, and the head tags that link previews, feed
 * readers and ActivityPub software read. No scripts.
 */

export type Html = ReturnType<typeof html>;

export interface OpenGraph {
  type: "website" | "profile" | "article";
  title: string;
  /** plain text */
  description: string;
  url: string;
  image?: string | null;
  imageAlt?: string | null;
  /** a picture worth showing large (a post's image) rather than an avatar */
  largeImage?: boolean;
  /** profile:username — the full handle */
  username?: string;
  publishedTime?: string;
}

export interface PageHead {
  /** the page's own part of the title; the site name is added after it */
  title: string;
  siteName: string;
  description?: string;
  canonical?: string;
  og?: OpenGraph;
  /** the ActivityPub actor or object this page shows */
  activityJson?: string | null;
  rss?: { href: string; title: string } | null;
  noindex?: boolean;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

function openGraphTags(og: OpenGraph, siteName: string): Html {
  const description = clip(og.description, 300);
  return html`
<meta property="og:site_name" content="${siteName}">
<meta property="og:type" content="${og.type}">
<meta property="og:title" content="${og.title}">
<meta property="og:description" content="${description}">
<meta property="og:url" content="${og.url}">
${og.image ? html`<meta property="og:image" content="${og.image}">` : ""}
${og.image && og.imageAlt ? html`<meta property="og:image:alt" content="${clip(og.imageAlt, 420)}">` : ""}
${og.username ? html`<meta property="profile:username" content="${og.username}">` : ""}
${og.publishedTime ? html`<meta property="article:published_time" content="${og.publishedTime}">` : ""}
<meta name="twitter:card" content="${og.largeImage ? "summary_large_image" : "summary"}">
<meta name="twitter:title" content="${og.title}">
<meta name="twitter:description" content="${description}">
${og.image ? html`<meta name="twitter:image" content="${og.image}">` : ""}`;
}

export function page(head: PageHead, body: Html): Html {
  const title = head.title ? `${head.title} - ${head.siteName}` : head.siteName;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title}</title>
${head.description ? html`<meta name="description" content="${clip(head.description, 300)}">` : ""}
${head.noindex ? html`<meta name="robots" content="noindex, noarchive">` : ""}
${head.canonical ? html`<link rel="canonical" href="${head.canonical}">` : ""}
${head.activityJson ? html`<link rel="alternate" type="application/activity+json" href="${head.activityJson}">` : ""}
${head.rss ? html`<link rel="alternate" type="application/rss+xml" title="${head.rss.title}" href="${head.rss.href}">` : ""}
${head.og ? openGraphTags(head.og, head.siteName) : ""}
<link rel="stylesheet" href="${STYLESHEET_PATH}">
<link rel="icon" href="data:,">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
<a class="brand" href="/">${head.siteName}</a>
<nav aria-label="Site"><ul><li><a href="/about">About</a></li></ul></nav>
</header>
<main id="main">
${body}
</main>
<footer class="site-footer">
<ul><li><a href="/about">About this server</a></li><li>Powered by Weft</li></ul>
</footer>
</body>
</html>`;
}
