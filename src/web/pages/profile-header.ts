import { html, raw } from "hono/html";
import { DomUtils, parseDocument } from "htmlparser2";
import type { Config } from "../../config.ts";
import type { Account } from "../../domain/accounts.ts";
import { renderPostHtml } from "../../domain/text/index.ts";
import type { Html } from "./layout.ts";
import { avatarUrl, formatDay, formatNumber, fullHandle, headerUrl } from "./format.ts";

/*
 * The top of a profile page: picture, names, bio, profile fields, counts, and for accounts that
 * share with the fediverse the handle to follow them by from any other server.
 */

interface Field {
  name: string;
  /** HTML */
  value: string;
  verifiedAt: string | null;
}

/** Bio as HTML: local bios are kept as typed and rendered like a post; remote ones were sanitised on arrival. */
export function bioHtml(account: Account, config: Pick<Config, "url">): string {
  if (account.domain !== null) return account.note;
  return renderPostHtml(account.note.trim(), { baseUrl: config.url, localDomain: config.url.host });
}

/**
 * Links in profile fields carry rel="me": a page that links back proves the account owns it
 * (IndieWeb verification, which Mastodon shows as a verified field).
 */
function withRelMe(fieldHtml: string): string {
  const doc = parseDocument(fieldHtml);
  const links = DomUtils.getElementsByTagName("a", doc);
  if (!links.length) return fieldHtml;
  for (const a of links) a.attribs.rel = "me nofollow noopener noreferrer";
  return DomUtils.getOuterHTML(doc, { encodeEntities: "utf8" });
}

export function profileFields(account: Account, config: Pick<Config, "url">): Field[] {
  let stored: unknown;
  try {
    stored = JSON.parse(account.fields);
  } catch {
    return [];
  }
  if (!Array.isArray(stored)) return [];
  return stored.flatMap((f: { name?: unknown; value?: unknown; verified_at?: unknown }) => {
    if (!f || typeof f.name !== "string") return [];
    const value = typeof f.value === "string" ? f.value : "";
    const rendered =
      account.domain === null
        ? renderPostHtml(value.replace(/\s+/g, " ").trim(), { baseUrl: config.url, localDomain: config.url.host })
            .replace(/^<p>/, "")
            .replace(/<\/p>$/, "")
        : value;
    return [{ name: f.name, value: withRelMe(rendered), verifiedAt: typeof f.verified_at === "string" ? f.verified_at : null }];
  });
}

function fieldList(fields: Field[]): Html {
  if (!fields.length) return html``;
  return html`<dl class="fields">${fields.map((f) =>
    f.verifiedAt
      ? html`<dt>${f.name}</dt><dd class="verified"><span class="check" aria-hidden="true">✓</span> ${raw(f.value)} <span class="visually-hidden">(link verified on ${formatDay(f.verifiedAt)})</span></dd>`
      : html`<dt>${f.name}</dt><dd>${raw(f.value)}</dd>`,
  )}</dl>`;
}

/** Whether this account can be followed from other servers: remote accounts, and local ones that share with the fediverse. */
export function onFediverse(account: Account): boolean {
  return account.domain !== null || account.federating === 1;
}

function followBox(account: Account, config: Pick<Config, "url">): Html {
  const handle = fullHandle(account, config);
  return html`<section class="card follow-box" aria-labelledby="follow-heading">
<h2 id="follow-heading">Follow from your server</h2>
<p>You don't need an account here. Copy this handle, paste it into the search of your Mastodon app (or any other fediverse app), and follow from there.</p>
<label for="follow-handle">Handle of ${account.display_name || account.username}</label>
<input id="follow-handle" type="text" readonly value="${handle}" spellcheck="false" autocomplete="off">
</section>`;
}

export function profileHeader(account: Account, config: Pick<Config, "url">): Html {
  const name = account.display_name || account.username;
  const bio = bioHtml(account, config);
  const badges = html`${onFediverse(account) ? html`<span class="badge fediverse" title="Can be followed from any fediverse server">Fediverse</span>` : ""}${account.bot || account.actor_type === "Service" || account.actor_type === "Application" ? html`<span class="badge">Automated</span>` : ""}${account.locked ? html`<span class="badge">Approves followers</span>` : ""}`;
  return html`<section class="card profile" aria-labelledby="profile-name">
<img class="banner" src="${headerUrl(account, config)}" alt="">
<div class="who">
<img class="avatar" src="${avatarUrl(account, config)}" alt="Profile picture of ${name}" width="96" height="96">
<h1 id="profile-name">${name}</h1>
<p class="handle">${onFediverse(account) ? fullHandle(account, config) : `@${account.username}`}${badges}</p>
${bio ? html`<div class="bio content">${raw(bio)}</div>` : ""}
${fieldList(profileFields(account, config))}
<ul class="counts muted">
<li><strong>${formatNumber(account.statuses_count)}</strong> ${account.statuses_count === 1 ? "post" : "posts"}</li>
<li><strong>${formatNumber(account.following_count)}</strong> following</li>
<li><strong>${formatNumber(account.followers_count)}</strong> ${account.followers_count === 1 ? "follower" : "followers"}</li>
<li>Joined ${formatDay(account.created_at)}</li>
</ul>
</div>
</section>
${onFediverse(account) && account.domain === null ? followBox(account, config) : ""}`;
}
