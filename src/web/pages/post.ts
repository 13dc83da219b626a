import { html, raw } from "hono/html";
import type { Config } from "../../config.ts";
import type { Account } from "../../domain/accounts.ts";
import type { MediaRow, PollView, StatusView } from "../../domain/hydrate.ts";
import type { Html } from "./layout.ts";
import {
  avatarUrl,
  count,
  formatDate,
  fullHandle,
  mediaSize,
  mediaUrls,
  profilePath,
  serverOf,
  statusPath,
} from "./format.ts";

/*
 * One post as the public pages show it. Content is HTML that was made safe when it was stored
 * (local posts rendered from text, remote ones sanitised on arrival), so it goes in as is;
 * everything else is escaped by the template. A content warning hides the post behind
 * <details>, which opens without scripts.
 */

export interface PostOptions {
  config: Pick<Config, "url">;
  /** the post a status page is about: larger, and its date is not a link to itself */
  focus?: boolean;
  /** nesting below the focused post on a thread page, 0 for none */
  depth?: number;
  /** on a thread page, the author of each post in it by status id, to say whom a reply answers */
  threadAuthors?: ReadonlyMap<string, Account>;
}

const ICONS = {
  reply: "M10 9V5l-7 7 7 7v-4.1c5 0 8.5 1.6 11 5.1-1-5-4-10-11-11z",
  boost: "M7 7h10v3l4-4-4-4v3H5v6h2V7zm10 10H7v-3l-4 4 4 4v-3h12v-6h-2v4z",
  like: "M12 21.35l-1.45-1.32C5.4 15.36 2 12.28 2 8.5 2 5.42 4.42 3 7.5 3c1.74 0 3.41.81 4.5 2.09C13.09 3.81 14.76 3 16.5 3 19.58 3 22 5.42 22 8.5c0 3.78-3.4 6.86-8.55 11.54L12 21.35z",
} as const;

function icon(name: keyof typeof ICONS): Html {
  return html`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="${ICONS[name]}"/></svg>`;
}

function stats(view: StatusView): Html {
  const s = view.status;
  return html`<ul class="stats" aria-label="Reactions">
<li>${icon("reply")}${count(s.replies_count, "reply", "replies")}</li>
<li>${icon("boost")}${count(s.reblogs_count, "boost", "boosts")}</li>
<li>${icon("like")}${count(s.favourites_count, "like", "likes")}</li>
</ul>`;
}

function mediaItem(m: MediaRow, config: Pick<Config, "url">): Html {
  const { url, preview } = mediaUrls(m, config);
  if (!url) return html``;
  const alt = m.description?.trim() ?? "";
  const size = mediaSize(m);
  switch (m.type) {
    case "image":
      return html`<a href="${url}" ${alt ? "" : raw('aria-label="Open image (no description)"')}><img src="${preview ?? url}" alt="${alt}" loading="lazy" decoding="async" ${size.width ? html`width="${size.width}" height="${size.height}"` : ""}></a>`;
    case "gifv":
    case "video":
      return html`<figure><video src="${url}" controls preload="none" playsinline ${m.type === "gifv" ? "loop muted" : ""} ${preview && preview !== url ? html`poster="${preview}"` : ""} aria-label="${alt || "Video without a description"}"></video>${alt ? html`<figcaption>${alt}</figcaption>` : ""}</figure>`;
    case "audio":
      return html`<figure><audio src="${url}" controls preload="none" aria-label="${alt || "Audio without a description"}"></audio>${alt ? html`<figcaption>${alt}</figcaption>` : ""}</figure>`;
    default:
      return html`<a href="${url}">${alt || "Download attachment"}</a>`;
  }
}

function mediaGallery(view: StatusView, config: Pick<Config, "url">): Html {
  if (!view.media.length) return html``;
  const gallery = html`<div class="media">${view.media.map((m) => mediaItem(m, config))}</div>`;
  // Sensitive media behind a warning of its own, unless the whole post already is.
  if (view.status.sensitive && !view.status.spoiler_text) {
    return html`<details class="cw"><summary>Sensitive media</summary>${gallery}</details>`;
  }
  return gallery;
}

function poll(view: PollView): Html {
  const { poll: row, options } = view;
  // Percentages of voters for multiple-choice polls (they add up to more than 100), as Mastodon shows them.
  const total = row.multiple ? (row.voters_count ?? row.votes_count) : options.reduce((n, o) => n + (o.votesCount ?? 0), 0);
  const most = Math.max(0, ...options.map((o) => o.votesCount ?? 0));
  const ended = view.expired ? "Closed" : row.expires_at ? `Ends ${formatDate(row.expires_at)}` : "Open";
  const voters = row.multiple && row.voters_count != null ? count(row.voters_count, "person", "people") : count(total, "vote", "votes");
  return html`<div class="poll-block"><ul class="poll" aria-label="Poll results">${options.map((o) => {
    const votes = o.votesCount ?? 0;
    const pct = total > 0 ? Math.round((votes / total) * 100) : 0;
    return html`<li ${votes === most && most > 0 ? raw('class="leading"') : ""}><div class="row"><span>${o.title}</span> <span>${pct}%</span></div><meter min="0" max="100" value="${pct}" aria-hidden="true"></meter></li>`;
  })}</ul><p class="muted">${voters} · ${ended}</p></div>`;
}

function body(view: StatusView, config: Pick<Config, "url">): Html {
  const s = view.status;
  const inner = html`<div class="content" ${s.language ? html`lang="${s.language}"` : ""}>${raw(s.content)}</div>${mediaGallery(view, config)}${view.poll ? poll(view.poll) : ""}`;
  if (!s.spoiler_text) return inner;
  return html`<details class="cw"><summary>${s.spoiler_text} <span class="muted">(show post)</span></summary>${inner}</details>`;
}

function origin(view: StatusView, config: Pick<Config, "url">): Html {
  const s = view.status;
  if (s.local) return html``;
  const original = s.url ?? s.uri;
  return html`<p class="origin">Posted on ${serverOf(view.account.account, config)} · <a href="${original}" rel="nofollow noopener noreferrer">View the original</a></p>`;
}

function replyingTo(view: StatusView, options: PostOptions): Html {
  const { in_reply_to_account_id: to, in_reply_to_id: parentId, account_id: self } = view.status;
  if (!to || to === self) return html``;
  const target =
    view.mentions.find((m) => m.account.id === to)?.account ?? (parentId ? options.threadAuthors?.get(parentId) : undefined);
  // In a thread the nesting already shows what a reply answers.
  if (!target) return options.threadAuthors ? html`` : html`<p class="context">Replying in a thread</p>`;
  return html`<p class="context">Replying to <a href="${profilePath(target)}">${fullHandle(target, options.config)}</a></p>`;
}

export function renderPost(view: StatusView, options: PostOptions): Html {
  if (view.reblog) {
    const booster = view.account.account;
    const context = html`<p class="context">${icon("boost")}<a href="${profilePath(booster)}">${booster.display_name || booster.username}</a> boosted</p>`;
    return article(view.reblog, { ...options, context });
  }
  return article(view, { ...options, context: html`` });
}

function article(view: StatusView, options: PostOptions & { context: Html }): Html {
  const { config, focus, depth = 0 } = options;
  const a = view.account.account;
  const s = view.status;
  const name = a.display_name || a.username;
  const link = statusPath(a, s.id);
  const when = html`<time datetime="${new Date(s.created_at).toISOString()}">${formatDate(s.created_at)}</time>`;
  const classes = ["card", "post", focus ? "focus" : "", depth > 0 ? `depth-${Math.min(depth, 3)}` : ""].filter(Boolean).join(" ");
  return html`<article class="${classes}" id="post-${s.id}">
${options.context}
<a href="${profilePath(a)}" tabindex="-1" aria-hidden="true"><img class="avatar" src="${avatarUrl(a, config)}" alt="" width="48" height="48" loading="lazy"></a>
<div class="body">
<header><a class="name" href="${profilePath(a)}">${name}</a> <span class="handle">${fullHandle(a, config)}</span> ${focus ? html`<span class="when">${when}</span>` : html`<a class="when" href="${link}">${when}</a>`}</header>
${replyingTo(view, options)}
${body(view, config)}
${stats(view)}
${origin(view, config)}
</div>
</article>`;
}

export function renderPostList(views: StatusView[], config: Pick<Config, "url">, empty: string): Html {
  if (!views.length) return html`<p class="card empty">${empty}</p>`;
  return html`${views.map((v) => renderPost(v, { config }))}`;
}
