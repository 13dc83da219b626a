import { html } from "hono/html";
import type { AdminSettings, LocalAccountRow } from "../../domain/instance-settings.ts";

/*
 * The admin page: plain server-rendered HTML and one small stylesheet inline, no scripts. Every
 * control has a label; messages are announced (role=status / role=alert).
 */

type Html = ReturnType<typeof html>;

const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5;
  --bg: #f6f7f9; --surface: #fff; --text: #16181d; --muted: #545b66; --border: #d4d8df; --accent: #1f4fd1; }
@media (prefers-color-scheme: dark) { :root { --bg: #111318; --surface: #1b1e24; --text: #eceef2; --muted: #a8afbb; --border: #343943; --accent: #8fb0ff; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
header { display: flex; gap: 1rem; align-items: center; justify-content: space-between; max-width: 60rem; margin: 0 auto; padding: 1rem; }
a { color: var(--accent); }
main { max-width: 60rem; margin: 0 auto; padding: 0 1rem 3rem; }
h1 { font-size: 1.4rem; margin: 0; }
h2 { font-size: 1.15rem; margin: 0 0 .75rem; }
section { background: var(--surface); border: 1px solid var(--border); border-radius: .75rem; padding: 1rem 1.25rem; margin: 1rem 0; }
label { display: block; font-weight: 600; margin-top: .9rem; }
.hint { color: var(--muted); font-size: .9rem; font-weight: normal; margin: .1rem 0 0; }
input[type=text], input[type=password], textarea, select { display: block; width: 100%; padding: .55rem; font: inherit; margin-top: .3rem;
  background: var(--bg); color: var(--text); border: 1px solid var(--border); border-radius: .4rem; }
textarea { min-height: 6rem; resize: vertical; }
fieldset { border: 1px solid var(--border); border-radius: .5rem; margin-top: .9rem; padding: .5rem 1rem .75rem; }
legend { font-weight: 600; padding: 0 .25rem; }
fieldset label { font-weight: normal; margin-top: .3rem; display: flex; gap: .5rem; align-items: baseline; }
button { margin-top: 1rem; padding: .55rem 1.2rem; font: inherit; font-weight: 600; border-radius: 2rem; border: 1px solid var(--text); background: var(--text); color: var(--surface); cursor: pointer; }
button.small { margin: 0; padding: .2rem .8rem; font-size: .9rem; }
button.link { background: none; color: var(--accent); border: none; padding: 0; margin: 0; font-weight: normal; text-decoration: underline; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
[role=status] { border-left: 4px solid #2e7d32; padding: .5rem .75rem; background: #2e7d3222; }
[role=alert] { border-left: 4px solid #c0392b; padding: .5rem .75rem; background: #c0392b22; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--border); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
.muted { color: var(--muted); }
.login { max-width: 24rem; margin: 3rem auto; }
`;

function layout(title: string, body: Html, header: Html = html``): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${STYLE}</style>
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
