import fs from "node:fs";
import path from "node:path";
import type { Context, Hono, Next } from "hono";
import { getCookie } from "hono/cookie";
import type { WeftApp } from "../app.ts";
import { landingPage } from "./pages/landing.ts";
import { siteName, wantsActivityPub } from "./pages/respond.ts";

/*
 * The web app (src/web/app, built into dist/ at install time) is served from this origin only:
 * hashed files under /assets/ with a year of caching, and the shell (index.html) with no-cache
 * so a new build is picked up at once.
 *
 * The app keeps its token in the browser, so the server cannot know who is signed in. The app
 * sets a `weft_app` cookie as a hint (not a credential) while it holds a token; with it, the
 * pages the app and the public site share (/, /@alice, /@alice/123, /tags/x) get the shell, and
 * without it the server-rendered public pages, as Mastodon does with its session.
 */

export const DIST_DIR = path.resolve(import.meta.dirname, "app/dist");
const HINT_COOKIE = "weft_app";

/** Paths only the app has; they always get the shell. */
const APP_ONLY = ["/home", "/notifications", "/search", "/explore", "/settings", "/settings/*", "/sign-in", "/sign-up", "/auth/callback", "/bookmarks", "/favourites"];
/** Paths the public pages own; the shell only for a browser the app has signed in. */
const SHARED = ["/:handle{@[^/]+}", "/:handle{@[^/]+}/:id", "/tags/:name"];

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".map": "application/json",
};

/* Scripts and styles from this origin only; pictures and media may come from other servers, as remote avatars do. */
const SHELL_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data: blob:",
  "media-src 'self' https: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export interface WebAppShell {
  /** index.html as built, with `<title>` to be filled in */
  html: string;
  dir: string;
}

/** The built app, or null (and a log line) when it was not built. */
export function loadWebApp(app: WeftApp, dir = DIST_DIR): WebAppShell | null {
  const index = path.join(dir, "index.html");
  if (!fs.existsSync(index)) {
    app.log.info({ dir }, "web app not built (no index.html): / shows the landing page; `npm run build:web` builds it");
    return null;
  }
  return { html: fs.readFileSync(index, "utf8"), dir };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

async function sendShell(app: WeftApp, shell: WebAppShell): Promise<Response> {
  const title = escapeHtml(await siteName(app.ctx));
  return new Response(shell.html.replace(/<title>[^<]*<\/title>/, `<title>${title}</title>`), {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-cache, private",
      vary: "Cookie, Accept",
      "content-security-policy": SHELL_POLICY,
      "x-content-type-options": "nosniff",
      "referrer-policy": "same-origin",
      "x-frame-options": "DENY",
    },
  });
}

function sendAsset(file: string, immutable: boolean): Response | null {
  const type = TYPES[path.extname(file)];
  if (!type || !fs.existsSync(file) || !fs.statSync(file).isFile()) return null;
  return new Response(fs.readFileSync(file), {
    headers: {
      "content-type": type,
      "cache-control": immutable ? "public, max-age=31536000, immutable" : "public, max-age=3600",
      "x-content-type-options": "nosniff",
    },
  });
}

/** A browser navigating (not ActivityPub software, not a feed reader) whose app is signed in. */
function signedInBrowser(c: Context): boolean {
  if (getCookie(c, HINT_COOKIE) !== "1" || wantsActivityPub(c)) return false;
  const accept = c.req.header("accept") ?? "";
  return accept.includes("text/html") && !c.req.path.endsWith(".rss");
}

/** Mounts the app's assets and shell. Call before the public pages, whose paths it shares. */
export function mountWebApp(routes: Hono, app: WeftApp, shell = loadWebApp(app)): void {
  routes.get("/", async (c) => {
    if (shell && signedInBrowser(c)) return sendShell(app, shell);
    return landingPage(app, c, { webApp: shell !== null });
  });
  if (!shell) return;

  routes.get("/assets/:file{[A-Za-z0-9_.-]+}", (c) => {
    return sendAsset(path.join(shell.dir, "assets", c.req.param("file")), true) ?? c.json({ error: "Not found" }, 404);
  });
  routes.get("/favicon.svg", (c) => sendAsset(path.join(shell.dir, "favicon.svg"), false) ?? c.json({ error: "Not found" }, 404));
  for (const p of APP_ONLY) routes.get(p, () => sendShell(app, shell));
  for (const p of SHARED) {
    routes.get(p, async (c: Context, next: Next) => {
      if (signedInBrowser(c)) return sendShell(app, shell);
      await next();
    });
  }
}
