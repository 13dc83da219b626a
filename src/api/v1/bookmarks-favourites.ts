import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import type { Page } from "../../domain/pagination.ts";
import { bookmarkedStatuses, favouritedStatuses, type KeyedPage } from "../../domain/relation-lists.ts";
import type { Ctx } from "../../domain/context.ts";
import { authenticate, currentAccount, requireScope, requireUser } from "../auth.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { statusesJson } from "./status-views.ts";

/**
 * The caller's own bookmarks and favourites. Paged by when they were marked (the bookmark or
 * favourite id), as Mastodon does, not by the statuses' ids.
 */
export function mount(routes: Hono, app: WeftApp): void {
  const list = (scope: string, find: (ctx: Ctx, accountId: string, page: Page) => Promise<KeyedPage>) => [
    authenticate(app),
    requireScope(scope),
    requireUser,
    async (c: Context) => {
      const me = currentAccount(c).id;
      const page = parsePage(c);
      const found = await find(app.ctx, me, page);
      setLinkHeader(c, app.config, found.keys, page);
      return c.json(await statusesJson(app, found.ids, me));
    },
  ] as const;
  routes.get("/api/v1/bookmarks", ...list("read:bookmarks", bookmarkedStatuses));
  routes.get("/api/v1/favourites", ...list("read:favourites", favouritedStatuses));
}
