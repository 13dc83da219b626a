import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { bookmark, unbookmark } from "../../domain/bookmarks.ts";
import { favourite, unfavourite } from "../../domain/favourites.ts";
import { reblog, unreblog } from "../../domain/reblogs.ts";
import { favouritedBy, rebloggedBy, type KeyedPage } from "../../domain/relation-lists.ts";
import { authenticate, currentAccount, optionalScope, requireScope, requireUser } from "../auth.ts";
import { readParams } from "../body.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { visibilityParam } from "./status-params.ts";
import { accountsJson, pathId, statusJson, viewerOf, visibleStatus } from "./status-views.ts";

const ID = "{[0-9]+}";

/**
 * What one account does to one status: favourite, boost, bookmark, and their undo. Each answers
 * with the status as the actor now sees it (a boost answers with the boost, wrapping the original).
 */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx } = app;
  const auth = authenticate(app);
  const as = (scope: string) => [auth, requireScope(scope), requireUser] as const;

  /** The original a boost id points at, so acting on a boost acts on what was boosted. */
  const target = async (c: Context) => {
    const me = currentAccount(c).id;
    const status = await visibleStatus(app, pathId(c), me);
    return { me, id: status.reblog_of_id ?? status.id };
  };

  routes.post(`/api/v1/statuses/:id${ID}/favourite`, ...as("write:favourites"), async (c) => {
    const { me, id } = await target(c);
    await favourite(ctx, me, id);
    return c.json(await statusJson(app, id, me));
  });

  routes.post(`/api/v1/statuses/:id${ID}/unfavourite`, ...as("write:favourites"), async (c) => {
    const { me, id } = await target(c);
    await unfavourite(ctx, me, id);
    return c.json(await statusJson(app, id, me));
  });

  routes.post(`/api/v1/statuses/:id${ID}/reblog`, ...as("write:statuses"), async (c) => {
    const { me, id } = await target(c);
    const boost = await reblog(ctx, me, id, { visibility: visibilityParam((await readParams(c)).visibility) });
    return c.json(await statusJson(app, boost.id, me));
  });

  routes.post(`/api/v1/statuses/:id${ID}/unreblog`, ...as("write:statuses"), async (c) => {
    const { me, id } = await target(c);
    await unreblog(ctx, me, id);
    return c.json(await statusJson(app, id, me));
  });

  routes.post(`/api/v1/statuses/:id${ID}/bookmark`, ...as("write:bookmarks"), async (c) => {
    const { me, id } = await target(c);
    await bookmark(ctx, me, id);
    return c.json(await statusJson(app, id, me));
  });

  routes.post(`/api/v1/statuses/:id${ID}/unbookmark`, ...as("write:bookmarks"), async (c) => {
    const { me, id } = await target(c);
    await unbookmark(ctx, me, id);
    return c.json(await statusJson(app, id, me));
  });

  const accountList = (list: (statusId: string, page: ReturnType<typeof parsePage>) => Promise<KeyedPage>) => async (c: Context) => {
    const status = await visibleStatus(app, pathId(c), viewerOf(c));
    const page = parsePage(c, { defaultLimit: 40, maxLimit: 80 });
    const found = await list(status.reblog_of_id ?? status.id, page);
    setLinkHeader(c, app.config, found.keys, page);
    return c.json(await accountsJson(app, found.ids));
  };
  routes.get(`/api/v1/statuses/:id${ID}/favourited_by`, auth, optionalScope("read:accounts"), accountList((id, p) => favouritedBy(ctx, id, p)));
  routes.get(`/api/v1/statuses/:id${ID}/reblogged_by`, auth, optionalScope("read:accounts"), accountList((id, p) => rebloggedBy(ctx, id, p)));
}
