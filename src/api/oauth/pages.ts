import { html } from "hono/html";
import { describeScope } from "./scopes.ts";

/*
 * The authorization pages: plain server-rendered HTML, no scripts and nothing loaded from
 * elsewhere. Every input has a label; errors are announced with role="alert".
 */

type Html = ReturnType<typeof html>;

/** The parameters of one authorization request, echoed back in hidden fields. */
export interface AuthorizeFields {
  client_id: string;
  redirect_uri: string;
  response_type: string;
  scope: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
}

export interface AppSummary {
  name: string;
  website: string | null;
}

const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
body { margin: 0; padding: 2rem 1rem; display: flex; justify-content: center; }
main { width: 100%; max-width: 26rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
label { display: block; font-weight: 600; margin-top: 1rem; }
input[type=text], input[type=password], input.auth-code { display: block; width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem; margin-top: .25rem; }
.actions { display: flex; gap: .75rem; margin-top: 1.5rem; flex-wrap: wrap; }
button { padding: .6rem 1.2rem; font-size: 1rem; cursor: pointer; }
button.primary { font-weight: 600; }
[role=alert] { border-left: 4px solid #c0392b; padding: .5rem .75rem; background: #c0392b22; }
input.auth-code { font-family: ui-monospace, monospace; }
.muted { opacity: .8; font-size: .9rem; }
`;

function layout(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

function hidden(fields: AuthorizeFields, csrf: string): Html {
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined && v !== "");
  return html`<input type="hidden" name="authenticity_token" value="${csrf}">${entries.map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`,
  )}`;
}

function appLine(app: AppSummary, host: string): Html {
  const name = app.website && /^https?:\/\//i.test(app.website)
    ? html`<a href="${app.website}" rel="noopener noreferrer nofollow">${app.name}</a>`
    : html`<strong>${app.name}</strong>`;
  return html`<p>${name} would like to use your account on ${host}. It is asking to:</p>`;
}

function scopeList(scopes: string[]): Html {
  return html`<ul>${scopes.map((s) => html`<li>${describeScope(s)} <span class="muted">(${s})</span></li>`)}</ul>`;
}

function alert(message: string | undefined): Html {
  return message ? html`<p role="alert" id="form-error">${message}</p>` : html``;
}

export function signInPage(input: {
  app: AppSummary;
  host: string;
  scopes: string[];
  fields: AuthorizeFields;
  csrf: string;
  error?: string;
  login?: string;
}): Html {
  const described = input.error ? "form-error" : undefined;
  return layout(`Sign in to authorize ${input.app.name}`, html`
<h1>Sign in to authorize ${input.app.name}</h1>
${appLine(input.app, input.host)}
${scopeList(input.scopes)}
<form method="post" action="/oauth/authorize">
${hidden(input.fields, input.csrf)}
${alert(input.error)}
<label for="username">Username or e-mail address</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${input.login ?? ""}" aria-describedby="${described}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required aria-describedby="${described}">
<div class="actions">
<button type="submit" class="primary" name="decision" value="approve">Sign in and authorize</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
</div>
</form>`);
}

export function consentPage(input: {
  app: AppSummary;
  host: string;
  scopes: string[];
  fields: AuthorizeFields;
  csrf: string;
  username: string;
  switchAccountUrl: string;
}): Html {
  return layout(`Authorize ${input.app.name}`, html`
<h1>Authorize ${input.app.name}?</h1>
<p>Signed in as <strong>@${input.username}</strong>. <a href="${input.switchAccountUrl}">Use another account</a></p>
${appLine(input.app, input.host)}
${scopeList(input.scopes)}
<form method="post" action="/oauth/authorize">
${hidden(input.fields, input.csrf)}
<div class="actions">
<button type="submit" class="primary" name="decision" value="approve">Authorize</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>`);
}

export function codePage(input: { app: AppSummary; code: string }): Html {
  return layout("Authorization code", html`
<h1>Authorization code</h1>
<p>Copy this code and paste it into <strong>${input.app.name}</strong>:</p>
<label for="code">Authorization code</label>
<input type="text" class="auth-code" id="code" readonly value="${input.code}">
<p class="muted">The code works once, for ten minutes.</p>`);
}

export function errorPage(input: { title: string; message: string }): Html {
  return layout(input.title, html`
<h1>${input.title}</h1>
<p role="alert">${input.message}</p>`);
}
