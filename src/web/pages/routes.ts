import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { findAccountByHandle, findLocalAccount, getAccount, type Account } from "../../domain/accounts.ts";
import { isId } from "../../domain/ids.ts";
import { getStatus } from "../../domain/statuses.ts";
import { normaliseTag } from "../../domain/tags.ts";
import { canView } from "../../domain/visibility.ts";
import { aboutPage } from "./about.ts";
import { profileFeed, tagFeed } from "./feeds.ts";
import { profilePath, statusPath } from "./format.ts";
import { profilePage } from "./profile.ts";
import { onFediverse } from "./profile-header.ts";
import { redirect, sendNotFound, siteName, wantsActivityPub } from "./respond.ts";
import { statusPage } from "./status-page.ts";
import { tagPage } from "./tag-page.ts";
import { mountStylesheet } from "./style.ts";

/*
 * URLs of the public pages, Mastodon's: /@alice, /@alice/123, /@alice.rss, /@bob@remote.example,
 * /tags/name(.rss), /about. ActivityPub software asking for /@alice is sent to the actor, and a
 * browser that followed an actor or object URI (/users/alice…) is sent to its page.
 */

const LOCAL_HANDLE = /^@([A-Za-z0-9_]{1,30})$/;
const FEED_HANDLE = /^@([A-Za-z0-9_]{1,30})\.rss$/;
const REMOTE_HANDLE = /^@([^@/\s]+)@([^@/\s]+)$/;

type Target = { kind: "account"; account: Account } | { kind: "feed"; account: Account } | { kind: "none" };

/** The account a `/@…` path segment names: local by username, remote by username@domain when known here. */
async function resolveHandle(app: WeftApp, segment: string): Promise<Target> {
  const { ctx } = app;
  const feed = FEED_HANDLE.exec(segment);
  if (feed) {
    const account = await findLocalAccount(ctx, feed[1]);
    return account ? { kind: "feed", account } : { kind: "none" };
  }
  const local = LOCAL_HANDLE.exec(segment);
  const remote = local ? null : REMOTE_HANDLE.exec(segment);
  const account = local
    ? await findLocalAccount(ctx, local[1])
    : remote
      ? await findAccountByHandle(ctx, remote[1], remote[2])
      : undefined;
  return account ? { kind: "account", account } : { kind: "none" };
}

async function notFound(app: WeftApp, c: Context): Promise<Response> {
  if (wantsActivityPub(c)) return c.json({ error: "Not found" }, 404);
  return sendNotFound(c, await siteName(app.ctx));
}

async function profileRoute(app: WeftApp, c: Context, withReplies: boolean): Promise<Response> {
  const target = await resolveHandle(app, c.req.param("handle") ?? "");
  if (target.kind === "none") return notFound(app, c);
  const { account } = target;
  if (target.kind === "feed") return profileFeed(app, account);
  if (wantsActivityPub(c)) return onFediverse(account) ? redirect(account.uri) : notFound(app, c);
  // Remote people have their own pages at home; this server only mirrors their posts.
  if (account.domain !== null) return withReplies ? notFound(app, c) : redirect(account.url ?? account.uri);
  // The address as it was typed may differ in case from the username.
  if (`@${account.username}` !== c.req.param("handle")) {
    return redirect(`${profilePath(account)}${withReplies ? "/with_replies" : ""}`, 301);
  }
  return profilePage(app, c, account, withReplies);
}

async function statusRoute(app: WeftApp, c: Context): Promise<Response> {
  const id = c.req.param("id") ?? "";
  if (id === "with_replies") return profileRoute(app, c, true);
  const target = await resolveHandle(app, c.req.param("handle") ?? "");
  if (target.kind !== "account" || !isId(id)) return notFound(app, c);
  const status = await getStatus(app.ctx, id);
  // Followers-only, direct and deleted posts do not exist for a reader without an account.
  if (!status || !(await canView(app.ctx.db, status, null))) return notFound(app, c);
  const author = status.account_id === target.account.id ? target.account : await getAccount(app.ctx, status.account_id);
  if (!author) return notFound(app, c);
  if (status.reblog_of_id) {
    const original = await getStatus(app.ctx, status.reblog_of_id);
    const originalAuthor = original && (await canView(app.ctx.db, original, null)) ? await getAccount(app.ctx, original.account_id) : undefined;
    return original && originalAuthor ? redirect(statusPath(originalAuthor, original.id)) : notFound(app, c);
  }
  if (wantsActivityPub(c)) return onFediverse(author) ? redirect(status.uri) : notFound(app, c);
  if (author.id !== target.account.id || c.req.param("handle") !== profilePath(author).slice(1)) {
    return redirect(statusPath(author, status.id), 301);
  }
  return statusPage(app, c, author, status);
}

/** A browser that opened an actor or object URI gets the page for it. */
async function actorRedirect(app: WeftApp, c: Context): Promise<Response> {
  if (wantsActivityPub(c)) return notFound(app, c);
  const account = await findLocalAccount(app.ctx, c.req.param("name") ?? "");
  if (!account) return notFound(app, c);
  const id = c.req.param("id");
  if (id === undefined) return redirect(profilePath(account));
  return isId(id) ? redirect(statusPath(account, id)) : notFound(app, c);
}

async function tagRoute(app: WeftApp, c: Context): Promise<Response> {
  const raw = c.req.param("name") ?? "";
  const feed = raw.endsWith(".rss");
  const tag = normaliseTag(feed ? raw.slice(0, -4) : raw);
  if (!tag) return notFound(app, c);
  if (feed) return tagFeed(app, tag);
  return tagPage(app, c, tag);
}

export function mountPublicPages(routes: Hono, app: WeftApp): void {
  mountStylesheet(routes);
  // `/` is the web app's (app-routes.ts), which shows landingPage to browsers it has not signed in.
  routes.get("/about", (c) => aboutPage(app, c));
  routes.get("/tags/:name", (c) => tagRoute(app, c));
  routes.get("/:handle{@[^/]+}", (c) => profileRoute(app, c, false));
  routes.get("/:handle{@[^/]+}/:id", (c) => statusRoute(app, c));
  routes.get("/users/:name", (c) => actorRedirect(app, c));
  routes.get("/users/:name/statuses/:id", (c) => actorRedirect(app, c));
}
