import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { loadStatuses } from "../../domain/hydrate.ts";
import { homeTimeline, publicTimeline, tagTimeline } from "../../domain/timelines.ts";
import { authenticate, currentAccount, optionalScope, requireScope, requireUser } from "../auth.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { viewerOf, withoutSilenced } from "./status-views.ts";
import type { FilterContext } from "../../domain/filters.ts";
import { filteredStatusesJson } from "./filters.ts";

/** Rails-style truthiness for query flags. */
function flag(c: Context, name: string): boolean {
  const v = c.req.query(name);
  return v !== undefined && ["1", "true", "t", "on", "yes"].includes(v.toLowerCase());
}

/**
 * Home, public and hashtag timelines. Paging keys are the ids the query returned, not those
 * left after hydration, so a page whose statuses vanished meanwhile still links onwards.
 */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);

  const respond = async (c: Context, ids: string[], page: ReturnType<typeof parsePage>, viewer: string | null, context: FilterContext) => {
    setLinkHeader(c, config, ids, page);
    const views = await withoutSilenced(app, await loadStatuses(ctx, ids, viewer), viewer);
    // The viewer's keyword filters mark statuses `filtered` and leave out those to hide.
    return c.json(await filteredStatusesJson(app, viewer, context, views));
  };

  routes.get("/api/v1/timelines/home", auth, requireScope("read:statuses"), requireUser, async (c) => {
    const me = currentAccount(c).id;
    const page = parsePage(c);
    return respond(c, await homeTimeline(ctx, me, page), page, me, "home");
  });

  routes.get("/api/v1/timelines/public", auth, optionalScope("read:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const page = parsePage(c);
    const ids = await publicTimeline(
      ctx,
      { local: flag(c, "local"), remote: flag(c, "remote"), onlyMedia: flag(c, "only_media"), viewerId: viewer },
      page,
    );
    return respond(c, ids, page, viewer, "public");
  });

  routes.get("/api/v1/timelines/tag/:hashtag", auth, optionalScope("read:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const page = parsePage(c);
    const ids = await tagTimeline(
      ctx,
      c.req.param("hashtag"),
      { local: flag(c, "local"), remote: flag(c, "remote"), onlyMedia: flag(c, "only_media"), viewerId: viewer },
      page,
    );
    return respond(c, ids, page, viewer, "public");
  });
}
