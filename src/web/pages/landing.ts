import type { Context } from "hono";
import { html } from "hono/html";
import type { WeftApp } from "../../app.ts";
import { loadInstanceFacts } from "../../domain/hydrate.ts";
import { paragraphs } from "./about.ts";
import { absolute } from "./format.ts";
import { page } from "./layout.ts";
import { sendPage } from "./respond.ts";

/*
 * The front page for someone without an account. Kept on its own so the web app can take `/`
 * over for signed-in people and call this for everyone else.
 */
export async function landingPage(app: WeftApp, c: Context, options: { webApp?: boolean } = {}): Promise<Response> {
  const config = app.ctx.config;
  const facts = await loadInstanceFacts(app.ctx);
  const intro = facts.shortDescription || facts.description;
  const description = intro || `${facts.title} is a server of the fediverse.`;
  const body = html`<section class="card" aria-labelledby="landing-heading">
<h1 id="landing-heading">${facts.title}</h1>
<p class="muted">${config.url.host}</p>
${intro ? paragraphs(intro) : html`<p>${description}</p>`}
<p>People here can follow and be followed by people on Mastodon and other fediverse servers.</p>
${options.webApp
    ? html`<p class="actions"><a href="/sign-in">Sign in</a>${facts.registrationsMode === "closed" ? "" : html` · <a href="/sign-up">Create an account</a>`}</p>
<p>Any Mastodon-compatible app works too: give it the address <strong>${config.url.host}</strong>.</p>`
    : html`<p>To use this server, sign in with any Mastodon-compatible app and give it the address <strong>${config.url.host}</strong>.</p>`}
<p><a href="/about">About this server</a></p>
</section>`;
  const url = absolute(config, "/");
  return sendPage(
    c,
    page({ title: "", siteName: facts.title, description, canonical: url, og: { type: "website", title: facts.title, description, url, image: facts.thumbnailUrl } }, body),
  );
}
