import type { Context } from "hono";
import { html } from "hono/html";
import type { WeftApp } from "../../app.ts";
import { loadStatuses } from "../../domain/hydrate.ts";
import { tagTimeline } from "../../domain/timelines.ts";
import { paths } from "../../domain/uris.ts";
import { absolute } from "./format.ts";
import { page } from "./layout.ts";
import { renderPostList } from "./post.ts";
import { maxIdParam, pageOf, pager } from "./profile.ts";
import { sendPage, siteName } from "./respond.ts";

/** Public posts with one hashtag, from this server and others it knows. Unlisted posts stay out, as they do on Mastodon. */
export async function tagPage(app: WeftApp, c: Context, tag: string): Promise<Response> {
  const { ctx } = app;
  const config = ctx.config;
  const maxId = maxIdParam(c);
  const { items, olderMaxId } = await pageOf(
    (limit) => tagTimeline(ctx, tag, { viewerId: null }, { maxId, limit }),
    (ids) => loadStatuses(ctx, ids, null),
  );
  // The spelling people used first, when a post here shows it.
  const shown = items.flatMap((v) => (v.reblog ?? v).tags).find((t) => t.name === tag)?.display_name || tag;
  const base = paths.tag(tag);
  const url = absolute(config, base);
  const description = `Public posts tagged #${shown}`;
  const body = html`<h1>#${shown}</h1>
<p class="muted">${description}, from this server and the others it knows.</p>
${renderPostList(items, config, maxId ? "No older posts." : "No public posts with this hashtag yet.")}
${pager(base, maxId, olderMaxId)}`;
  return sendPage(
    c,
    page(
      {
        title: `#${shown}`,
        siteName: await siteName(ctx),
        description,
        canonical: url,
        og: { type: "website", title: `#${shown}`, description, url },
        rss: { href: `${url}.rss`, title: description },
        // A hashtag nobody used is not a page worth indexing.
        noindex: items.length === 0,
      },
      body,
    ),
  );
}
