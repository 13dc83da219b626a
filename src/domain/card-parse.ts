import { Parser } from "htmlparser2";

/*
 * What a page says about itself, for its preview: OpenGraph first, then Twitter card tags,
 * then <title> and <meta name="description">. htmlparser2 decodes entities in attribute
 * values and text. Lengths are cut so one page cannot fill a timeline.
 */

export interface PageDetails {
  title: string;
  description: string;
  type: "link" | "photo" | "video" | "rich";
  authorName: string;
  authorUrl: string;
  providerName: string;
  providerUrl: string;
  image: string | null;
  imageDescription: string;
  width: number;
  height: number;
  language: string | null;
  publishedAt: string | null;
}

const TITLE_MAX = 300;
const DESCRIPTION_MAX = 1000;
const NAME_MAX = 200;
const URL_MAX = 2048;

function clip(s: string | undefined, max: number): string {
  const t = (s ?? "").replace(/\s+/g, " ").trim();
  const chars = [...t];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : t;
}

/** An absolute http(s) URL resolved against the page, or "". */
function absoluteUrl(raw: string | undefined, base: string): string {
  if (!raw?.trim()) return "";
  try {
    const u = new URL(raw.trim(), base);
    return (u.protocol === "http:" || u.protocol === "https:") && u.href.length <= URL_MAX ? u.href : "";
  } catch {
    return "";
  }
}

function dimension(raw: string | undefined): number {
  const n = Number.parseInt(raw ?? "", 10);
  return Number.isFinite(n) && n > 0 && n < 100_000 ? n : 0;
}

function isoOrNull(raw: string | undefined): string | null {
  if (!raw) return null;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function languageOf(raw: string | undefined): string | null {
  const m = raw?.trim().toLowerCase().match(/^([a-z]{2,3})(?:[-_]|$)/);
  return m ? m[1] : null;
}

export function parsePageDetails(html: string, pageUrl: string): PageDetails {
  // first value wins, as crawlers read them
  const meta = new Map<string, string>();
  let title = "";
  let inTitle = false;
  let sawTitle = false;
  let htmlLang: string | undefined;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === "html") htmlLang = attrs.lang;
        if (name === "title" && !sawTitle) inTitle = true;
        if (name === "meta") {
          const key = (attrs.property ?? attrs.name ?? "").trim().toLowerCase();
          if (key && attrs.content != null && !meta.has(key)) meta.set(key, attrs.content);
        }
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        if (name === "title" && inTitle) {
          inTitle = false;
          sawTitle = true;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();

  const get = (...keys: string[]) => keys.map((k) => meta.get(k)).find((v) => v != null && v.trim() !== "");
  const siteName = get("og:site_name", "application-name");
  const ogType = get("og:type")?.toLowerCase();
  const page = new URL(pageUrl);
  const articleAuthor = get("article:author", "og:article:author");
  return {
    title: clip(get("og:title", "twitter:title") ?? title, TITLE_MAX),
    description: clip(get("og:description", "twitter:description", "description"), DESCRIPTION_MAX),
    // Video and rich cards need embed HTML, which Weft never stores; a video page is shown as a link.
    type: ogType === "photo" ? "photo" : "link",
    // article:author is a profile URL by the OpenGraph spec, but many sites put a name there
    authorName: clip(get("author", "twitter:creator") ?? (/^https?:\/\//i.test(articleAuthor ?? "") ? "" : articleAuthor), NAME_MAX),
    authorUrl: /^https?:\/\//i.test(articleAuthor ?? "") ? absoluteUrl(articleAuthor, pageUrl) : "",
    providerName: clip(siteName ?? page.hostname, NAME_MAX),
    providerUrl: page.origin + "/",
    image: absoluteUrl(get("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"), pageUrl) || null,
    imageDescription: clip(get("og:image:alt", "twitter:image:alt"), DESCRIPTION_MAX),
    width: dimension(get("og:image:width")),
    height: dimension(get("og:image:height")),
    language: languageOf(get("og:locale") ?? htmlLang),
    publishedAt: isoOrNull(get("article:published_time", "og:article:published_time")),
  };
}
