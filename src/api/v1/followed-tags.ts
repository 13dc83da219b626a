import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import type { TagRow } from "../../domain/hydrate.ts";
import { findOrCreateTag, findTag, followedTags, followTag, tagHistory, tagStates, unfollowTag } from "../../domain/tag-follows.ts";
import { authenticate, currentAccount, currentAuth, optionalScope, requireScope, requireUser } from "../auth.ts";
import { serializeTag, type MastodonTag } from "../entities/tag.ts";
import { notFound } from "../errors.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";

/** Tags as Mastodon's Tag entity: a week of history, and for a signed-in viewer whether they follow and feature each. */
export async function tagsJson(app: WeftApp, viewerId: string | null, tags: readonly TagRow[]): Promise<MastodonTag[]> {
  const ids = tags.map((t) => t.id);
  const [history, states] = await Promise.all([
    tagHistory(app.ctx, ids),
    viewerId ? tagStates(app.ctx, viewerId, ids) : null,
  ]);
  return tags.map((t) =>
    serializeTag(t, app.config, {
      history: (history.get(t.id) ?? []).map((d) => ({ day: String(d.day), uses: String(d.uses), accounts: String(d.accounts) })),
      ...(states ? { following: states.following.has(t.id), featuring: states.featuring.has(t.id) } : {}),
    }),
  );
}

function tagName(c: Context): string {
  return (c.req.param("name") ?? "").replace(/^#/, "");
}

/** Followed hashtags, and the Tag entity by name. */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);
  const write = [auth, requireScope("write:follows"), requireUser] as const;

  routes.get("/api/v1/followed_tags", auth, requireScope("read:follows"), requireUser, async (c) => {
    const me = currentAccount(c).id;
    const page = parsePage(c, { defaultLimit: 100, maxLimit: 200 });
    const found = await followedTags(ctx, me, page);
    setLinkHeader(c, config, found.keys, page);
    return c.json(await tagsJson(app, me, found.tags));
  });

  routes.get("/api/v1/tags/:name", auth, optionalScope("read:follows"), async (c) => {
    const viewer = currentAuth(c)?.account?.id ?? null;
    // A signed-in user may look at (and then follow) a tag nobody used yet; anonymous callers see only known ones.
    const tag = viewer ? await findOrCreateTag(ctx, tagName(c)) : await findTag(ctx, tagName(c));
    if (!tag) throw notFound();
    return c.json((await tagsJson(app, viewer, [tag]))[0]);
  });

  routes.post("/api/v1/tags/:name/follow", ...write, async (c) => {
    const me = currentAccount(c).id;
    const tag = await followTag(ctx, me, tagName(c));
    return c.json((await tagsJson(app, me, [tag]))[0]);
  });

  routes.post("/api/v1/tags/:name/unfollow", ...write, async (c) => {
    const me = currentAccount(c).id;
    const tag = await unfollowTag(ctx, me, tagName(c));
    return c.json((await tagsJson(app, me, [tag]))[0]);
  });
}
