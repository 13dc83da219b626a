import { html } from "hono/html";
import { FORM_STYLE } from "../form-style.ts";
import type { AdminSettings, LocalAccountRow } from "../../domain/instance-settings.ts";

/*
 * The admin page: plain server-rendered HTML and one small stylesheet inline, no scripts. Every
 * control has a label; messages are announced (role=status / role=alert).
 */

type Html = ReturnType<typeof html>;


function layout(title: string, body: Html, header: Html = html``): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${FORM_STYLE}</style>
</head>
<body>${header}<main>${body}</main></body>
</html>`;
}

export function adminSignInPage(input: { siteName: string; csrf: string; error?: string; login?: string }): Html {
  return layout(`Sign in · ${input.siteName} admin`, html`
<section class="login">
<h1>Sign in to administer ${input.siteName}</h1>
${input.error ? html`<p role="alert" id="form-error">${input.error}</p>` : ""}
<form method="post" action="/admin/sign-in">
<input type="hidden" name="authenticity_token" value="${input.csrf}">
<label for="username">Username or e-mail address</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${input.login ?? ""}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
</section>`);
}

export function adminMessagePage(title: string, message: string): Html {
  return layout(title, html`<section><h1>${title}</h1><p role="alert">${message}</p><p><a href="/">Back to the front page</a></p></section>`);
}

function radio(name: string, value: string, current: string, label: string, hint: string): Html {
  return html`<label><input type="radio" name="${name}" value="${value}" ${current === value ? "checked" : ""}> <span>${label} <span class="hint">${hint}</span></span></label>`;
}

function accountRows(accounts: LocalAccountRow[], csrf: string): Html {
  return html`${accounts.map((a) => html`<tr>
<td><a href="/@${a.username}">@${a.username}</a>${a.displayName ? html`<br><span class="muted">${a.displayName}</span>` : ""}</td>
<td>${a.email ?? html`<span class="muted">—</span>`}</td>
<td>${a.admin ? "Admin" : "User"}</td>
<td>${a.approved
    ? "Active"
    : html`<form method="post" action="/admin/accounts/${a.id}/approve"><input type="hidden" name="authenticity_token" value="${csrf}"><button class="small" type="submit" aria-label="Approve @${a.username}">Approve</button></form>`}</td>
<td>${a.federating ? "On" : "Off"}</td>
<td>${a.statusesCount}</td>
<td><time datetime="${a.createdAt}">${a.createdAt.slice(0, 10)}</time></td>
</tr>`)}`;
}

export function adminPage(input: {
  siteName: string;
  host: string;
  username: string;
  csrf: string;
  settings: AdminSettings;
  accounts: LocalAccountRow[];
  notice?: string;
}): Html {
  const s = input.settings;
  const header = html`<header>
<h1>${input.siteName} · admin</h1>
<form method="post" action="/admin/sign-out"><input type="hidden" name="authenticity_token" value="${input.csrf}">
<span class="muted">@${input.username}</span> · <a href="/">Open the app</a> · <button class="link" type="submit">Sign out</button></form>
</header>`;
  return layout(`${input.siteName} admin`, html`
${input.notice ? html`<p role="status">${input.notice}</p>` : ""}
<section aria-labelledby="settings-heading">
<h2 id="settings-heading">Server settings</h2>
<form method="post" action="/admin/settings">
<input type="hidden" name="authenticity_token" value="${input.csrf}">
<label for="site_title">Name</label>
<input type="text" id="site_title" name="site_title" maxlength="100" value="${s.siteTitle}" placeholder="Weft">
<label for="site_short_description">Short description <span class="hint">One or two sentences, shown on the front page and in link previews.</span></label>
<textarea id="site_short_description" name="site_short_description" maxlength="500">${s.siteShortDescription}</textarea>
<label for="site_description">About this server <span class="hint">Longer text for the About page.</span></label>
<textarea id="site_description" name="site_description" maxlength="5000">${s.siteDescription}</textarea>
<label for="rules">Rules <span class="hint">One rule a line.</span></label>
<textarea id="rules" name="rules">${s.rules.join("\n")}</textarea>
<fieldset>
<legend>Who can sign up</legend>
${radio("registrations_mode", "open", s.registrationsMode, "Anyone", "New accounts can post at once.")}
${radio("registrations_mode", "approval", s.registrationsMode, "Anyone, after approval", "An admin approves each new account below.")}
${radio("registrations_mode", "closed", s.registrationsMode, "Nobody", "Accounts are created by an admin with the weft command.")}
</fieldset>
<fieldset>
<legend>Fediverse sharing for new accounts</legend>
${radio("default_federating", "on", s.defaultFederating ? "on" : "off", "On", "New profiles and posts can be seen and followed from other servers.")}
${radio("default_federating", "off", s.defaultFederating ? "on" : "off", "Off", "New accounts stay on this server until they turn sharing on.")}
</fieldset>
<button type="submit">Save settings</button>
</form>
</section>
<section aria-labelledby="accounts-heading">
<h2 id="accounts-heading">Accounts on ${input.host}</h2>
<div class="table-wrap">
<table>
<thead><tr><th scope="col">Account</th><th scope="col">E-mail</th><th scope="col">Role</th><th scope="col">State</th><th scope="col">Fediverse</th><th scope="col">Posts</th><th scope="col">Joined</th></tr></thead>
<tbody>${accountRows(input.accounts, input.csrf)}</tbody>
</table>
</div>
</section>`, header);
}
