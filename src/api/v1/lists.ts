import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { loadStatuses } from "../../domain/hydrate.ts";
import {
  addListMembers,
  createList,
  deleteList,
  getList,
  listMembers,
  listsContaining,
  listsOf,
  listTimeline,
  removeListMembers,
  updateList,
  type List,
  type ListInput,
} from "../../domain/lists.ts";
import { authenticate, currentAccount, requireScope, requireUser } from "../auth.ts";
import { readParams, stringParam, type Params } from "../body.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { filteredStatusesJson } from "./filters.ts";
import { boolParam, idList } from "./status-params.ts";
import { accountsJson, pathId, withoutSilenced } from "./status-views.ts";

const ID = "{[0-9]+}";

export interface MastodonList {
  id: string;
  title: string;
  replies_policy: "followed" | "list" | "none";
  exclusive: boolean;
}

export function serializeList(l: List): MastodonList {
  return { id: l.id, title: l.title, replies_policy: l.replies_policy as MastodonList["replies_policy"], exclusive: l.exclusive === 1 };
}

function listInput(params: Params): ListInput {
  const input: ListInput = {};
  const title = stringParam(params.title);
  if (title !== undefined) input.title = title;
  const policy = stringParam(params.replies_policy);
  if (policy !== undefined && policy !== "") input.repliesPolicy = policy;
  const exclusive = boolParam(params.exclusive);
  if (exclusive !== undefined) input.exclusive = exclusive;
  return input;
}

/** Lists, their members, and their timelines. */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);
  const read = [auth, requireScope("read:lists"), requireUser] as const;
  const write = [auth, requireScope("write:lists"), requireUser] as const;
  const me = (c: Context) => currentAccount(c).id;

  routes.get("/api/v1/lists", ...read, async (c) => c.json((await listsOf(ctx, me(c))).map(serializeList)));
  routes.post("/api/v1/lists", ...write, async (c) => c.json(serializeList(await createList(ctx, me(c), listInput(await readParams(c))))));
  routes.get(`/api/v1/lists/:id${ID}`, ...read, async (c) => c.json(serializeList(await getList(ctx, me(c), pathId(c)))));
  routes.put(`/api/v1/lists/:id${ID}`, ...write, async (c) =>
    c.json(serializeList(await updateList(ctx, me(c), pathId(c), listInput(await readParams(c))))),
  );
  routes.delete(`/api/v1/lists/:id${ID}`, ...write, async (c) => {
    await deleteList(ctx, me(c), pathId(c));
    return c.json({});
  });

  routes.get(`/api/v1/lists/:id${ID}/accounts`, ...read, async (c) => {
    // limit=0 asks for every member at once, as on Mastodon.
    const all = c.req.query("limit") === "0";
    const page = parsePage(c, { defaultLimit: 40, maxLimit: 80 });
    const found = await listMembers(ctx, me(c), pathId(c), all ? null : page);
    if (!all) setLinkHeader(c, config, found.keys, page);
    return c.json(await accountsJson(app, found.accountIds));
  });
  routes.post(`/api/v1/lists/:id${ID}/accounts`, ...write, async (c) => {
    const ids = idList((await readParams(c)).account_ids, "account_ids");
    await addListMembers(ctx, me(c), pathId(c), ids);
    return c.json({});
  });
  routes.delete(`/api/v1/lists/:id${ID}/accounts`, ...write, async (c) => {
    const ids = idList((await readParams(c)).account_ids, "account_ids");
    await removeListMembers(ctx, me(c), pathId(c), ids);
    return c.json({});
  });

  routes.get(`/api/v1/accounts/:id${ID}/lists`, ...read, async (c) =>
    c.json((await listsContaining(ctx, me(c), pathId(c))).map(serializeList)),
  );

  routes.get(`/api/v1/timelines/list/:id${ID}`, ...read, async (c) => {
    const viewer = me(c);
    const page = parsePage(c);
    const ids = await listTimeline(ctx, viewer, pathId(c), page);
    setLinkHeader(c, config, ids, page);
    const views = await withoutSilenced(app, await loadStatuses(ctx, ids, viewer), viewer);
    // Lists share the "home" filter context with the home timeline, as on Mastodon.
    return c.json(await filteredStatusesJson(app, viewer, "home", views));
  });
}
