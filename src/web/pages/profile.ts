import type { Context } from "hono";
import { html } from "hono/html";
import type { WeftApp } from "../../app.ts";
import type { Account } from "../../domain/accounts.ts";
import { loadStatuses } from "../../domain/hydrate.ts";
import { isId } from "../../domain/ids.ts";
import { htmlToPlainText } from "../../domain/text/index.ts";
import { accountStatuses } from "../../domain/timelines.ts";
import { absolute, avatarUrl, fullHandle, profilePath } from "./format.ts";
import { page, type Html } from "./layout.ts";
import { renderPostList } from "./post.ts";
import { bioHtml, onFediverse, profileHeader } from "./profile-header.ts";
import { sendPage, siteName } from "./respond.ts";

export const PAGE_SIZE = 20;

/** The `max_id` a reader asked for, when it is an id at all. */
export function maxIdParam(c: Context): string | null {
  const v = c.req.query("max_id");
  return v && isId(v) ? v : null;
}

/** Fetches one more than a page, to know whether an older page exists without counting. */
export async function pageOf<T extends { status: { id: string } }>(
  fetchIds: (limit: number) => Promise<string[]>,
  load: (ids: string[]) => Promise<T[]>,
): Promise<{ items: T[]; olderMaxId: string | null }> {
  const ids = await fetchIds(PAGE_SIZE + 1);
  const more = ids.length > PAGE_SIZE;
  const shown = ids.slice(0, PAGE_SIZE);
  return { items: await load(shown), olderMaxId: more ? shown[shown.length - 1] : null };
}

export function pager(basePath: string, maxId: string | null, olderMaxId: string | null): Html {
  if (!maxId && !olderMaxId) return html``;
  return html`<nav class="pager" aria-label="Pages">
${maxId ? html`<a href="${basePath}">Newest</a>` : html`<span></span>`}
${olderMaxId ? html`<a href="${basePath}?max_id=${olderMaxId}" rel="next">Older posts</a>` : ""}
</nav>`;
}

/** Someone not signed in sees public and unlisted posts on a profile, as on Mastodon; never followers-only or direct ones. */
export async function profilePage(app: WeftApp, c: Context, account: Account, withReplies: boolean): Promise<Response> {
  const { ctx } = app;
  const config = ctx.config;
  const maxId = maxIdParam(c);
  const { items, olderMaxId } = await pageOf(
    (limit) => accountStatuses(ctx, account.id, { viewerId: null, excludeReplies: !withReplies }, { maxId, limit }),
    (ids) => loadStatuses(ctx, ids, null),
  );
  const name = account.display_name || account.username;
  const handle = fullHandle(account, config);
  const base = profilePath(account);
  const url = absolute(config, base);
  const bioText = htmlToPlainText(bioHtml(account, config));
  const tabs = html`<nav aria-label="Posts"><ul class="tabs">
<li><a href="${base}" ${withReplies ? "" : html`aria-current="page"`}>Posts</a></li>
<li><a href="${base}/with_replies" ${withReplies ? html`aria-current="page"` : ""}>Posts and replies</a></li>
</ul></nav>`;
  const body = html`${profileHeader(account, config)}
<section aria-labelledby="posts-heading">
<h2 id="posts-heading" class="visually-hidden">${withReplies ? "Posts and replies" : "Posts"}</h2>
${tabs}
${renderPostList(items, config, maxId ? "No older posts." : "No public posts yet.")}
${pager(withReplies ? `${base}/with_replies` : base, maxId, olderMaxId)}
</section>`;
  const title = `${name} (${handle})`;
  const description = bioText || `Posts by ${name}`;
  return sendPage(
    c,
    page(
      {
        title,
        siteName: await siteName(ctx),
        description,
        canonical: url,
        og: { type: "profile", title, description, url, image: avatarUrl(account, config), username: handle.slice(1) },
        activityJson: onFediverse(account) ? account.uri : null,
        rss: { href: absolute(config, `${base}.rss`), title: `Posts by ${name}` },
        noindex: account.indexable !== 1 || account.discoverable !== 1,
      },
      body,
    ),
  );
}
