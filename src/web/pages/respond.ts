import type { Context } from "hono";
import { html } from "hono/html";
import type { Ctx } from "../../domain/context.ts";
import { page, type Html } from "./layout.ts";

/*
 * How public pages answer. They are the same for every reader (nobody is signed in to them),
 * so shared caches may keep them briefly. Accept decides between a page and ActivityPub JSON on
 * some of these URLs, hence Vary. The policy allows nothing to run and styles from here only;
 * pictures may come from other servers, as remote avatars and uncached remote media do.
 */

const PAGE_MAX_AGE = 60;
const FEED_MAX_AGE = 300;

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "media-src 'self' https:",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

function publicHeaders(maxAge: number): Record<string, string> {
  return {
    "cache-control": `public, max-age=${maxAge}`,
    vary: "Accept",
    "x-content-type-options": "nosniff",
  };
}

export async function sendPage(c: Context, body: Html, status: 200 | 404 = 200): Promise<Response> {
  const text = String(await body);
  return new Response(text, {
    status,
    headers: {
      ...(status === 200 ? publicHeaders(PAGE_MAX_AGE) : { "cache-control": "no-cache", vary: "Accept" }),
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": CONTENT_SECURITY_POLICY,
    },
  });
}

export function sendFeed(xml: string): Response {
  return new Response(xml, {
    headers: { ...publicHeaders(FEED_MAX_AGE), "content-type": "application/rss+xml; charset=utf-8" },
  });
}

export function redirect(location: string, status: 301 | 302 = 302): Response {
  return new Response(null, { status, headers: { location, vary: "Accept", "cache-control": `public, max-age=${PAGE_MAX_AGE}` } });
}

export async function sendNotFound(c: Context, siteName: string): Promise<Response> {
  const body = html`<section class="card empty">
<h1>This page does not exist</h1>
<p>It may have been deleted, or it may not be visible without an account that is allowed to see it.</p>
<p><a href="/">Go to the front page</a></p>
</section>`;
  return sendPage(c, page({ title: "Not found", siteName, noindex: true }, body), 404);
}

/** ActivityPub software asks with one of these; browsers ask for HTML. */
export function wantsActivityPub(c: Context): boolean {
  const accept = c.req.header("accept") ?? "";
  return /application\/(activity\+json|ld\+json)/.test(accept);
}

const titles = new WeakMap<Ctx, { title: string; at: number }>();
const TITLE_TTL_MS = 60_000;

/**
 * The instance's name for page titles and the header. Read on every page, so only that one
 * setting is fetched (the full instance facts count users and posts), and kept a minute.
 */
export async function siteName(ctx: Ctx): Promise<string> {
  const cached = titles.get(ctx);
  if (cached && Date.now() - cached.at < TITLE_TTL_MS) return cached.title;
  const row = await ctx.db.selectFrom("instance_settings").select("value").where("key", "=", "site_title").executeTakeFirst();
  let title = "";
  try {
    const v: unknown = row ? JSON.parse(row.value) : null;
    if (typeof v === "string") title = v.trim();
  } catch {
    // An unreadable setting means the default name.
  }
  // The same default the instance API gives.
  title ||= "Weft";
  titles.set(ctx, { title, at: Date.now() });
  return title;
}
