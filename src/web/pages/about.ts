import type { Context } from "hono";
import { html } from "hono/html";
import type { WeftApp } from "../../app.ts";
import { loadInstanceFacts } from "../../domain/hydrate.ts";
import { absolute, formatNumber, fullHandle, profilePath } from "./format.ts";
import { page, type Html } from "./layout.ts";
import { sendPage } from "./respond.ts";

/** Admin-written text kept as typed: blank lines separate paragraphs, nothing else is markup. */
export function paragraphs(text: string): Html {
  const parts = text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  return html`${parts.map((p) => html`<p>${p.split("\n").map((line, i) => html`${i ? html`<br>` : ""}${line}`)}</p>`)}`;
}

const REGISTRATIONS = {
  open: "Anyone can sign up.",
  approval: "Sign-ups are reviewed by the admins.",
  closed: "Sign-ups are closed.",
} as const;

export async function aboutPage(app: WeftApp, c: Context): Promise<Response> {
  const config = app.ctx.config;
  const facts = await loadInstanceFacts(app.ctx);
  const admin = facts.contactAccount?.account ?? null;
  const description = facts.shortDescription || facts.description.split(/\n\s*\n/)[0] || `About ${config.url.host}`;
  const body = html`<section class="card" aria-labelledby="about-heading">
<h1 id="about-heading">About ${facts.title}</h1>
<p class="muted">${config.url.host}</p>
${facts.description ? paragraphs(facts.description) : facts.shortDescription ? paragraphs(facts.shortDescription) : ""}
<p>${REGISTRATIONS[facts.registrationsMode]} Any Mastodon-compatible app can sign in to this server.</p>
</section>
<section class="card" aria-labelledby="rules-heading">
<h2 id="rules-heading">Server rules</h2>
${facts.rules.length
  ? html`<ol class="rules">${facts.rules.map((r) => html`<li>${r.text}${r.hint ? html` <span class="hint">${r.hint}</span>` : ""}</li>`)}</ol>`
  : html`<p class="muted">This server has not published any rules.</p>`}
</section>
<section class="card" aria-labelledby="stats-heading">
<h2 id="stats-heading">In numbers</h2>
<dl class="facts">
<dt>People</dt> <dd>${formatNumber(facts.userCount)}</dd>
<dt>Posts</dt> <dd>${formatNumber(facts.statusCount)}</dd>
<dt>Servers seen</dt> <dd>${formatNumber(facts.domainCount)}</dd>
</dl>
</section>
<section class="card" aria-labelledby="contact-heading">
<h2 id="contact-heading">Contact</h2>
${admin ? html`<p>Administered by <a href="${profilePath(admin)}">${admin.display_name || admin.username}</a> <span class="handle">${fullHandle(admin, config)}</span></p>` : ""}
${facts.contactEmail ? html`<p>Email: <a href="mailto:${facts.contactEmail}">${facts.contactEmail}</a></p>` : ""}
${!admin && !facts.contactEmail ? html`<p class="muted">No contact has been published.</p>` : ""}
</section>`;
  const url = absolute(config, "/about");
  return sendPage(
    c,
    page({ title: "About", siteName: facts.title, description, canonical: url, og: { type: "website", title: facts.title, description, url, image: facts.thumbnailUrl } }, body),
  );
}
