import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { loadStatuses } from "../../domain/hydrate.ts";
import { trendingStatuses, trendingTags } from "../../domain/trends.ts";
import { trendingLinks } from "../../domain/cards.ts";
import { serializeTrendsLink } from "../entities/card.ts";
import { authenticate, optionalScope } from "../auth.ts";
import { filteredStatusesJson } from "./filters.ts";
import { tagsJson } from "./followed-tags.ts";
import { viewerOf, withoutSilenced } from "./status-views.ts";

function windowOf(c: Context, fallback: number, max: number) {
  const limit = Number.parseInt(c.req.query("limit") ?? "", 10);
  const offset = Number.parseInt(c.req.query("offset") ?? "", 10);
  return {
    limit: Number.isFinite(limit) && limit > 0 ? Math.min(limit, max) : fallback,
    offset: Number.isFinite(offset) && offset > 0 ? Math.min(offset, 10_000) : 0,
  };
}

/** Sets Mastodon's offset paging Link header when the page was full. */
function offsetLink(c: Context, app: WeftApp, w: { limit: number; offset: number }, count: number): void {
  const links: string[] = [];
  const at = (offset: number) => {
    const url = new URL(new URL(c.req.url).pathname, app.config.url);
    url.searchParams.set("offset", String(offset));
    url.searchParams.set("limit", String(w.limit));
    return url.href;
  };
  if (count >= w.limit) links.push(`<${at(w.offset + w.limit)}>; rel="next"`);
  if (w.offset > 0) links.push(`<${at(Math.max(0, w.offset - w.limit))}>; rel="prev"`);
  if (links.length) c.header("Link", links.join(", "));
}

/** GET /api/v1/trends/tags (and /api/v1/trends), /trends/statuses, /trends/links. */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx } = app;
  const auth = authenticate(app);

  const tags = async (c: Context) => {
    const w = windowOf(c, 10, 20);
    const found = await trendingTags(ctx, w);
    offsetLink(c, app, w, found.length);
    return c.json(await tagsJson(app, viewerOf(c), found));
  };
  routes.get("/api/v1/trends", auth, optionalScope("read"), tags);
  routes.get("/api/v1/trends/tags", auth, optionalScope("read"), tags);

  routes.get("/api/v1/trends/statuses", auth, optionalScope("read"), async (c) => {
    const viewer = viewerOf(c);
    const w = windowOf(c, 20, 40);
    const ids = await trendingStatuses(ctx, w);
    offsetLink(c, app, w, ids.length);
    const views = await withoutSilenced(app, await loadStatuses(ctx, ids, viewer), viewer);
    return c.json(await filteredStatusesJson(app, viewer, "public", views));
  });

  routes.get("/api/v1/trends/links", auth, optionalScope("read"), async (c) => {
    const w = windowOf(c, 10, 20);
    const found = await trendingLinks(ctx, w);
    offsetLink(c, app, w, found.length);
    return c.json(found.map(serializeTrendsLink));
  });
}
