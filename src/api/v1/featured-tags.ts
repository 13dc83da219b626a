import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import type { Account } from "../../domain/accounts.ts";
import { featuredTagsOf, featureTag, suggestedTags, unfeatureTag, unfeatureTagById, type FeaturedTagView } from "../../domain/featured-tags.ts";
import { loadAccounts } from "../../domain/hydrate.ts";
import { findTag } from "../../domain/tag-follows.ts";
import { authenticate, currentAccount, optionalScope, requireScope, requireUser } from "../auth.ts";
import { readParams, stringParam } from "../body.ts";
import { dayOnly } from "../entities/format.ts";
import { notFound, unprocessable } from "../errors.ts";
import { tagsJson } from "./followed-tags.ts";
import { pathId } from "./status-views.ts";

const ID = "{[0-9]+}";

export interface MastodonFeaturedTag {
  id: string;
  name: string;
  url: string;
  /** a string, as Mastodon serialises it */
  statuses_count: string;
  last_status_at: string | null;
}

export function serializeFeaturedTag(f: FeaturedTagView, account: Pick<Account, "url" | "uri">): MastodonFeaturedTag {
  const profile = account.url ?? account.uri;
  return {
    id: f.id,
    name: f.tag.display_name || f.tag.name,
    url: `${profile}/tagged/${encodeURIComponent(f.tag.name)}`,
    statuses_count: String(f.statusesCount),
    last_status_at: dayOnly(f.lastStatusAt),
  };
}

/** Hashtags featured on profiles. */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx } = app;
  const auth = authenticate(app);
  const read = [auth, requireScope("read:accounts"), requireUser] as const;
  const write = [auth, requireScope("write:accounts"), requireUser] as const;

  const list = async (account: Account) => (await featuredTagsOf(ctx, account.id)).map((f) => serializeFeaturedTag(f, account));

  routes.get("/api/v1/featured_tags", ...read, async (c) => c.json(await list(currentAccount(c))));

  routes.post("/api/v1/featured_tags", ...write, async (c) => {
    const name = stringParam((await readParams(c)).name)?.trim();
    if (!name) throw unprocessable("Name can't be blank");
    const me = currentAccount(c);
    return c.json(serializeFeaturedTag(await featureTag(ctx, me.id, name), me));
  });

  routes.delete(`/api/v1/featured_tags/:id${ID}`, ...write, async (c) => {
    await unfeatureTag(ctx, currentAccount(c).id, pathId(c));
    return c.json({});
  });

  routes.get("/api/v1/featured_tags/suggestions", ...read, async (c) => {
    const me = currentAccount(c).id;
    return c.json(await tagsJson(app, me, await suggestedTags(ctx, me)));
  });

  routes.get(`/api/v1/accounts/:id${ID}/featured_tags`, auth, optionalScope("read:accounts"), async (c) => {
    const [view] = await loadAccounts(ctx, [pathId(c)]);
    if (!view) throw notFound();
    return c.json(await list(view.account));
  });

  const byName = (c: Context) => (c.req.param("name") ?? "").replace(/^#/, "");
  routes.post("/api/v1/tags/:name/feature", ...write, async (c) => {
    const me = currentAccount(c).id;
    const featured = await featureTag(ctx, me, byName(c));
    return c.json((await tagsJson(app, me, [featured.tag]))[0]);
  });
  routes.post("/api/v1/tags/:name/unfeature", ...write, async (c) => {
    const me = currentAccount(c).id;
    const tag = await findTag(ctx, byName(c));
    if (!tag) throw notFound();
    await unfeatureTagById(ctx, me, tag.id);
    return c.json((await tagsJson(app, me, [tag]))[0]);
  });
}
