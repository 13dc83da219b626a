import type { Context } from "hono";
import { html } from "hono/html";
import type { WeftApp } from "../../app.ts";
import type { Account } from "../../domain/accounts.ts";
import { loadStatuses, type StatusView } from "../../domain/hydrate.ts";
import type { Status } from "../../domain/statuses.ts";
import { htmlToPlainText } from "../../domain/text/index.ts";
import { statusContext } from "../../domain/timelines.ts";
import { absolute, avatarUrl, fullHandle, mediaUrls, profilePath, statusPath } from "./format.ts";
import { page, type Html } from "./layout.ts";
import { renderPost } from "./post.ts";
import { onFediverse } from "./profile-header.ts";
import { sendPage, siteName } from "./respond.ts";

/*
 * A post with its whole thread: the posts it answers, then every reply this server knows of,
 * from any server, nested under the post it answers. Only what a reader without an account may
 * see: followers-only and direct posts are left out (and asked for directly, do not exist).
 */

/** Depth of each reply below the focused post, from the reply links among them. */
function depths(focusId: string, descendants: StatusView[]): Map<string, number> {
  const depth = new Map<string, number>([[focusId, 0]]);
  for (const v of descendants) {
    const parent = v.status.in_reply_to_id;
    depth.set(v.status.id, (parent ? (depth.get(parent) ?? 0) : 0) + 1);
  }
  return depth;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

function describe(view: StatusView): string {
  const s = view.status;
  const attachments = view.media.length ? `Attached: ${view.media.length} ${view.media.length === 1 ? "file" : "files"}` : "";
  const pollText = view.poll ? `Poll: ${view.poll.options.map((o) => o.title).join(" / ")}` : "";
  // Behind a content warning, previews show the warning only, as Mastodon's do.
  const text = s.spoiler_text ? `Content warning: ${s.spoiler_text}` : htmlToPlainText(s.content);
  return [text, attachments, pollText].filter(Boolean).join(" · ");
}

export async function statusPage(app: WeftApp, c: Context, author: Account, status: Status): Promise<Response> {
  const { ctx } = app;
  const config = ctx.config;
  const { ancestors, descendants } = await statusContext(ctx, status.id, null);
  const views = await loadStatuses(ctx, [...ancestors, status.id, ...descendants], null);
  const byId = new Map(views.map((v) => [v.status.id, v]));
  const focus = byId.get(status.id);
  if (!focus) throw new Error("status vanished while rendering");
  const before = ancestors.flatMap((id) => byId.get(id) ?? []);
  const after = descendants.flatMap((id) => byId.get(id) ?? []);
  const depth = depths(status.id, after);
  const threadAuthors = new Map(views.map((v) => [v.status.id, v.account.account]));

  const name = author.display_name || author.username;
  const plain = htmlToPlainText(status.content);
  const image = focus.media.find((m) => m.type === "image" && !status.sensitive);
  const imageUrl = image ? (mediaUrls(image, config).preview ?? null) : null;
  const local = status.local === 1;
  const url = local ? absolute(config, statusPath(author, status.id)) : (status.url ?? status.uri);
  const title = status.spoiler_text ? `${name}: "${clip(status.spoiler_text, 60)}"` : plain ? `${name}: "${clip(plain, 60)}"` : `Post by ${name}`;
  const description = describe(focus);

  const body: Html = html`<h1 class="visually-hidden">Post by ${name} (${fullHandle(author, config)})</h1>
${before.length ? html`<section aria-label="Earlier in the thread">${before.map((v) => renderPost(v, { config, threadAuthors }))}</section>` : ""}
${renderPost(focus, { config, focus: true, threadAuthors })}
<section aria-labelledby="replies-heading">
<h2 id="replies-heading">${after.length ? `Replies (${after.length})` : "No replies yet"}</h2>
${after.map((v) => renderPost(v, { config, depth: depth.get(v.status.id) ?? 1, threadAuthors }))}
</section>`;

  return sendPage(
    c,
    page(
      {
        title,
        siteName: await siteName(ctx),
        description,
        canonical: url,
        og: {
          type: "article",
          title: `${name} (${fullHandle(author, config)})`,
          description,
          url,
          image: imageUrl ?? avatarUrl(author, config),
          imageAlt: image?.description ?? null,
          largeImage: !!imageUrl,
          username: fullHandle(author, config).slice(1),
          publishedTime: new Date(status.created_at).toISOString(),
        },
        activityJson: onFediverse(author) ? status.uri : null,
        rss: local ? { href: absolute(config, `${profilePath(author)}.rss`), title: `Posts by ${name}` } : null,
        // Another server's post is that server's to have indexed.
        noindex: !local || author.indexable !== 1 || author.discoverable !== 1,
      },
      body,
    ),
  );
}
