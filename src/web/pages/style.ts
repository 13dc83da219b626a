import { createHash } from "node:crypto";
import type { Hono } from "hono";

/*
 * The one stylesheet of the public pages, served from this origin under a name that holds its
 * hash, so browsers may keep it for a year and a new version is a new URL. System fonts only;
 * colours follow the reader's light or dark preference, and every text colour keeps at least
 * 4.5:1 contrast against the background it sits on.
 */
const CSS = `
:root {
  color-scheme: light dark;
  --bg: #f4f5f7; --surface: #ffffff; --text: #1d2128; --muted: #555d6b; --border: #d5d9e0;
  --accent: #4338ca; --accent-text: #ffffff; --bar: #6d64e8; --warn-bg: #fff4d6; --focus: #1d4ed8;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  line-height: 1.5; font-size: 100%;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #15171c; --surface: #1f2229; --text: #e9ebf0; --muted: #a9b0bd; --border: #363b46;
    --accent: #a5a1ff; --accent-text: #15171c; --bar: #8b85ff; --warn-bg: #3a3220; --focus: #93c5fd;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
a { color: var(--accent); }
a:focus-visible, summary:focus-visible, input:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
img, video { max-width: 100%; }
.skip { position: absolute; left: -999px; top: 0; background: var(--surface); padding: .5rem 1rem; z-index: 2; }
.skip:focus { left: 1rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.site-header, .site-footer { max-width: 42rem; margin: 0 auto; padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: center; }
.site-header .brand { font-weight: 700; font-size: 1.15rem; color: var(--text); text-decoration: none; margin-right: auto; }
.site-header nav ul, .site-footer ul { list-style: none; margin: 0; padding: 0; display: flex; gap: 1rem; flex-wrap: wrap; }
.site-footer { color: var(--muted); font-size: .9rem; border-top: 1px solid var(--border); margin-top: 2rem; }
main { max-width: 42rem; margin: 0 auto; padding: 0 .75rem 1rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: .5rem 0; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: .75rem; padding: 1rem; margin: .75rem 0; }
.card > h1:first-child, .card > h2:first-child { margin-top: 0; }
.muted { color: var(--muted); }
.profile { padding: 0; overflow: hidden; }
.profile .banner { display: block; width: 100%; aspect-ratio: 3 / 1; object-fit: cover; background: var(--border); }
.profile .who { padding: 0 1rem 1rem; }
.profile .avatar { width: 96px; height: 96px; border-radius: 1rem; border: 4px solid var(--surface); margin-top: -48px; background: var(--border); object-fit: cover; }
.handle { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .95rem; color: var(--muted); overflow-wrap: anywhere; }
.badge { display: inline-block; font-size: .75rem; font-weight: 600; border: 1px solid var(--border); border-radius: 999px; padding: 0 .5rem; margin-left: .25rem; vertical-align: middle; color: var(--muted); font-family: system-ui, sans-serif; }
.badge.fediverse { border-color: var(--accent); color: var(--accent); }
.bio p:first-child { margin-top: .5rem; }
.fields { display: grid; grid-template-columns: minmax(6rem, max-content) 1fr; margin: 1rem 0 0; border-top: 1px solid var(--border); }
.fields dt, .fields dd { margin: 0; padding: .5rem .5rem .5rem 0; border-bottom: 1px solid var(--border); overflow-wrap: anywhere; }
.fields dt { font-weight: 600; color: var(--muted); font-size: .9rem; }
.fields dd.verified { background: color-mix(in srgb, #16a34a 14%, transparent); padding-left: .5rem; }
.fields .check { color: #15803d; font-weight: 700; }
@media (prefers-color-scheme: dark) { .fields .check { color: #4ade80; } }
.counts { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; list-style: none; padding: 0; margin: 1rem 0 0; }
.counts strong { color: var(--text); }
.follow-box label { font-weight: 600; display: block; margin-bottom: .25rem; }
.follow-box input { width: 100%; font: inherit; font-family: ui-monospace, monospace; padding: .5rem; border: 1px solid var(--border); border-radius: .5rem; background: var(--bg); color: var(--text); }
.tabs { display: flex; gap: 1rem; list-style: none; padding: 0; margin: 1rem 0 0; border-bottom: 1px solid var(--border); }
.tabs a { display: inline-block; padding: .5rem 0; text-decoration: none; color: var(--muted); font-weight: 600; }
.tabs a[aria-current="page"] { color: var(--text); border-bottom: 3px solid var(--accent); }
.post { display: grid; grid-template-columns: 48px 1fr; gap: 0 .75rem; }
.post.focus { border-color: var(--accent); border-width: 2px; }
.post.depth-1 { margin-left: 1rem; } .post.depth-2 { margin-left: 2rem; } .post.depth-3 { margin-left: 3rem; }
.post .avatar { width: 48px; height: 48px; border-radius: .6rem; background: var(--border); object-fit: cover; }
.post header { display: flex; flex-wrap: wrap; gap: 0 .5rem; align-items: baseline; }
.post .name { font-weight: 700; color: var(--text); text-decoration: none; }
.post .name:hover { text-decoration: underline; }
.post .when { margin-left: auto; font-size: .875rem; color: var(--muted); text-decoration: none; }
.post a.when:hover { text-decoration: underline; }
.post .body { grid-column: 2; min-width: 0; }
.post > .context { grid-column: 1 / -1; font-size: .875rem; color: var(--muted); margin: 0 0 .5rem; }
.post .body .context { font-size: .875rem; color: var(--muted); margin: 0; }
.context svg { width: 1em; height: 1em; vertical-align: -.125em; margin-right: .35rem; fill: currentColor; }
.content { overflow-wrap: anywhere; }
.content p { margin: .5rem 0; }
.post.focus .content { font-size: 1.15rem; }
.content .invisible { display: none; }
.content .ellipsis::after { content: "…"; }
details.cw { margin: .5rem 0; }
details.cw > summary { cursor: pointer; background: var(--warn-bg); padding: .35rem .6rem; border-radius: .5rem; font-weight: 600; }
.media { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .4rem; margin: .5rem 0; }
.media img, .media video { width: 100%; height: 100%; max-height: 28rem; object-fit: cover; border-radius: .5rem; display: block; background: var(--border); }
.media audio { width: 100%; }
.media figure { margin: 0; }
.media figcaption { font-size: .8rem; color: var(--muted); }
.poll { list-style: none; padding: 0; margin: .5rem 0; }
.poll li { margin: .35rem 0; }
.poll .row { display: flex; justify-content: space-between; gap: 1rem; }
.poll meter { display: block; width: 100%; height: .5rem; appearance: none; border: 0; border-radius: 999px; background: var(--border); }
.poll meter::-webkit-meter-bar { background: var(--border); border: 0; border-radius: 999px; height: .5rem; }
.poll meter::-webkit-meter-optimum-value { background: var(--bar); border-radius: 999px; }
.poll meter::-moz-meter-bar { background: var(--bar); border-radius: 999px; }
.poll .leading .row { font-weight: 700; }
.stats { display: flex; flex-wrap: wrap; gap: 1.25rem; list-style: none; padding: 0; margin: .5rem 0 0; color: var(--muted); font-size: .9rem; }
.stats svg { width: 1em; height: 1em; vertical-align: -.125em; margin-right: .25rem; fill: currentColor; }
.origin { font-size: .875rem; color: var(--muted); margin: .5rem 0 0; }
.pager { display: flex; justify-content: space-between; margin: 1rem 0; }
.empty { text-align: center; color: var(--muted); padding: 2rem 1rem; }
.rules { padding-left: 1.5rem; }
.rules li { margin: .5rem 0; }
.rules .hint { display: block; color: var(--muted); font-size: .9rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; }
@media (max-width: 30rem) {
  .post { grid-template-columns: 40px 1fr; }
  .post .avatar { width: 40px; height: 40px; }
  .post.depth-1 { margin-left: .5rem; } .post.depth-2 { margin-left: 1rem; } .post.depth-3 { margin-left: 1.5rem; }
  .profile .avatar { width: 80px; height: 80px; margin-top: -40px; }
}
`;

const HASH = createHash("sha256").update(CSS).digest("hex").slice(0, 12);

export const STYLESHEET_PATH = `/web-assets/public-${HASH}.css`;

export function mountStylesheet(routes: Hono): void {
  routes.get(STYLESHEET_PATH, () => new Response(CSS, {
    headers: { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=31536000, immutable" },
  }));
}
