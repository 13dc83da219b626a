import { html } from "hono/html";
import { FORM_STYLE } from "../form-style.ts";
import type { AuthorizedApp } from "../../domain/authorized-apps.ts";
import { describeScope } from "../../api/oauth/scopes.ts";

/*
 * The account settings Mastodon keeps server-side (password, authorized apps, export, account
 * deletion): plain HTML with the admin page's look, no scripts. Every control has a label,
 * messages are announced (role=status / role=alert), the current page is marked in the nav.
 */

type Html = ReturnType<typeof html>;


export interface Frame {
  siteName: string;
  username: string;
  csrf: string;
  /** the path of the page, to mark it in the nav */
  current: string;
}

const NAV: Array<[string, string]> = [
  ["/settings/password", "Password"],
  ["/settings/apps", "Authorized apps"],
  ["/settings/export", "Export"],
  ["/settings/delete", "Delete account"],
];

function layout(title: string, body: Html, frame?: Frame): Html {
  const top = frame
    ? html`<header>
<h1>${frame.siteName} · account settings</h1>
<form method="post" action="/settings/sign-out"><input type="hidden" name="authenticity_token" value="${frame.csrf}">
<span class="muted">@${frame.username}</span> · <a href="/settings/account">Back to the app</a> · <button class="link" type="submit">Sign out</button></form>
</header>
<nav aria-label="Account settings"><ul>${NAV.map(([href, label]) => html`<li><a href="${href}" ${href === frame.current ? html`aria-current="page"` : ""}>${label}</a></li>`)}</ul></nav>`
    : html``;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${FORM_STYLE}:root { --page-width: 48rem; }</style>
</head>
<body>${top}<main>${body}</main></body>
</html>`;
}

function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="authenticity_token" value="${csrf}">`;
}

function messages(notice?: string, error?: string): Html {
  return html`${notice ? html`<p role="status">${notice}</p>` : ""}${error ? html`<p role="alert" id="form-error">${error}</p>` : ""}`;
}

export function signInPage(input: { siteName: string; csrf: string; returnTo: string; error?: string; notice?: string; login?: string }): Html {
  const described = input.error ? "form-error" : undefined;
  return layout(`Sign in · ${input.siteName}`, html`
<section class="login">
<h1>Sign in to your account settings</h1>
${messages(input.notice, input.error)}
<form method="post" action="/settings/sign-in">
${csrfField(input.csrf)}
<input type="hidden" name="return_to" value="${input.returnTo}">
<label for="username">Username or e-mail address</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${input.login ?? ""}" aria-describedby="${described}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required aria-describedby="${described}">
<button type="submit">Sign in</button>
</form>
</section>`);
}

export function messagePage(title: string, message: string, back = { href: "/settings/password", label: "Back to account settings" }): Html {
  return layout(title, html`<section><h1>${title}</h1><p role="alert">${message}</p><p><a href="${back.href}">${back.label}</a></p></section>`);
}

export function passwordPage(frame: Frame, input: { error?: string; minLength: number }): Html {
  const described = input.error ? "form-error" : "password-hint";
  return layout(`Change password · ${frame.siteName}`, html`
<section aria-labelledby="password-heading">
<h2 id="password-heading">Change password</h2>
${messages(undefined, input.error)}
<p class="hint" id="password-hint">Changing your password signs you out everywhere: every app and browser signed in to this account, this one included, has to sign in again with the new password.</p>
<form method="post" action="/settings/password">
${csrfField(frame.csrf)}
<input type="text" name="username" value="${frame.username}" autocomplete="username" hidden>
<label for="current_password">Current password</label>
<input type="password" id="current_password" name="current_password" autocomplete="current-password" required aria-describedby="${described}">
<label for="new_password">New password <span class="hint">At least ${input.minLength} characters.</span></label>
<input type="password" id="new_password" name="new_password" autocomplete="new-password" minlength="${input.minLength}" required aria-describedby="${described}">
<label for="new_password_confirmation">Confirm the new password</label>
<input type="password" id="new_password_confirmation" name="new_password_confirmation" autocomplete="new-password" minlength="${input.minLength}" required aria-describedby="${described}">
<button type="submit">Change password and sign out everywhere</button>
</form>
</section>`, frame);
}

function when(iso: string | null, none: string): Html {
  return iso ? html`<time datetime="${iso}">${iso.slice(0, 10)}</time>` : html`<span class="muted">${none}</span>`;
}

export function appsPage(frame: Frame, input: { apps: AuthorizedApp[]; notice?: string }): Html {
  const rows = input.apps.map((a) => html`<tr>
<th scope="row">${a.website && /^https?:\/\//i.test(a.website) ? html`<a href="${a.website}" rel="noopener noreferrer nofollow">${a.name}</a>` : a.name}
${a.website ? html`<br><span class="muted">${a.website}</span>` : ""}</th>
<td><ul>${a.scopes.map((s) => html`<li>${describeScope(s)} <span class="muted">(${s})</span></li>`)}</ul></td>
<td>${when(a.authorizedAt, "—")}</td>
<td>${when(a.lastUsedAt, "Never")}</td>
<td><form method="post" action="/settings/apps/${a.id}/revoke">${csrfField(frame.csrf)}<button class="small" type="submit" aria-label="Revoke ${a.name}">Revoke</button></form></td>
</tr>`);
  return layout(`Authorized apps · ${frame.siteName}`, html`
${messages(input.notice)}
<section aria-labelledby="apps-heading">
<h2 id="apps-heading">Authorized apps</h2>
<p class="hint">Apps signed in to your account. Revoking one signs it out; it can ask for access again.</p>
${input.apps.length
    ? html`<div class="table-wrap"><table>
<thead><tr><th scope="col">App</th><th scope="col">Can</th><th scope="col">Authorized</th><th scope="col">Last used</th><th scope="col"><span class="muted">Action</span></th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`
    : html`<p>No apps are signed in to your account.</p>`}
</section>`, frame);
}

const CSV_LABELS: Array<[string, string]> = [
  ["following_accounts", "Accounts you follow"],
  ["blocked_accounts", "Accounts you block"],
  ["muted_accounts", "Accounts you mute"],
  ["blocked_domains", "Servers you block"],
  ["bookmarks", "Bookmarks"],
  ["lists", "Lists"],
];

export function exportPage(frame: Frame): Html {
  return layout(`Export · ${frame.siteName}`, html`
<section aria-labelledby="archive-heading">
<h2 id="archive-heading">Your posts</h2>
<p>An archive of your posts and boosts, likes, bookmarks, profile and uploaded pictures, in the same format as Mastodon's archive.</p>
<p><a href="/settings/export/archive.zip" download>Download your archive (.zip)</a></p>
</section>
<section aria-labelledby="csv-heading">
<h2 id="csv-heading">Lists of accounts and posts</h2>
<p class="hint">CSV files that Mastodon and other servers can import. Who follows you is not exported: those follows belong to the people who made them.</p>
<ul class="downloads">${CSV_LABELS.map(([kind, label]) => html`<li><a href="/settings/export/${kind}.csv" download>${label}</a> <span class="muted">(${kind}.csv)</span></li>`)}</ul>
</section>`, frame);
}

export function deletePage(frame: Frame, input: { host: string; error?: string }): Html {
  const described = input.error ? "form-error delete-hint" : "delete-hint";
  return layout(`Delete account · ${frame.siteName}`, html`
<section aria-labelledby="delete-heading">
<h2 id="delete-heading">Delete your account</h2>
${messages(undefined, input.error)}
<div id="delete-hint">
<p>This cannot be undone. Your posts, boosts, follows and profile are removed from ${input.host}, and the servers that know your account are told to remove them too. The name @${frame.username} will not be available again.</p>
<p>Download <a href="/settings/export">your archive</a> first if you want to keep your posts.</p>
</div>
<form method="post" action="/settings/delete">
${csrfField(frame.csrf)}
<input type="text" name="username" value="${frame.username}" autocomplete="username" hidden>
<label for="password">Your password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required aria-describedby="${described}">
<button class="danger" type="submit">Delete my account permanently</button>
</form>
</section>`, frame);
}
