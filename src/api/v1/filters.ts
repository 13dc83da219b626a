import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import {
  addFilterStatus,
  addKeyword,
  createFilter,
  createV1Filter,
  deleteFilter,
  deleteFilterStatus,
  deleteKeyword,
  deleteV1Filter,
  filtersOf,
  getFilter,
  getFilterStatus,
  getKeyword,
  getV1Filter,
  hiddenBy,
  matchFilters,
  updateFilter,
  updateKeyword,
  updateV1Filter,
  v1FiltersOf,
  type FilterContext,
  type FilterInput,
  type FilterMatch,
  type FilterStatusRow,
  type FilterView,
  type KeywordChange,
  type KeywordRow,
  type V1FilterView,
} from "../../domain/filters.ts";
import type { NotificationView, StatusView } from "../../domain/hydrate.ts";
import { authenticate, currentAccount, requireScope, requireUser } from "../auth.ts";
import { readParams, stringList, stringParam, type ParamValue, type Params } from "../body.ts";
import { isoDate } from "../entities/format.ts";
import { serializeNotification, type MastodonNotification } from "../entities/notification.ts";
import { serializeStatus, type MastodonStatus } from "../entities/status.ts";
import { unprocessable } from "../errors.ts";
import { boolParam, idParam } from "./status-params.ts";
import { pathId } from "./status-views.ts";

const ID = "{[0-9]+}";

export interface MastodonFilterKeyword {
  id: string;
  keyword: string;
  whole_word: boolean;
}

export interface MastodonFilterStatus {
  id: string;
  status_id: string;
}

export interface MastodonFilter {
  id: string;
  title: string;
  context: FilterContext[];
  expires_at: string | null;
  filter_action: FilterView["action"];
  /** left out inside a FilterResult */
  keywords?: MastodonFilterKeyword[];
  statuses?: MastodonFilterStatus[];
}

export interface MastodonFilterResult {
  filter: MastodonFilter;
  keyword_matches: string[] | null;
  status_matches: string[] | null;
}

export interface MastodonV1Filter {
  id: string;
  phrase: string;
  context: FilterContext[];
  whole_word: boolean;
  expires_at: string | null;
  irreversible: boolean;
}

/** A Status whose `filtered` says which of the viewer's filters caught it. */
export type FilteredStatus = Omit<MastodonStatus, "filtered" | "reblog"> & {
  filtered: MastodonFilterResult[];
  reblog: FilteredStatus | null;
};

export const serializeKeyword = (k: KeywordRow): MastodonFilterKeyword => ({ id: k.id, keyword: k.keyword, whole_word: k.whole_word === 1 });
export const serializeFilterStatus = (s: FilterStatusRow): MastodonFilterStatus => ({ id: s.id, status_id: s.status_id });

export function serializeFilter(v: FilterView, withRules = true): MastodonFilter {
  const out: MastodonFilter = {
    id: v.filter.id,
    title: v.filter.title,
    context: v.context,
    expires_at: isoDate(v.filter.expires_at),
    filter_action: v.action,
  };
  if (withRules) {
    out.keywords = v.keywords.map(serializeKeyword);
    out.statuses = v.statuses.map(serializeFilterStatus);
  }
  return out;
}

export function serializeFilterResult(m: FilterMatch): MastodonFilterResult {
  return { filter: serializeFilter(m.filter, false), keyword_matches: m.keywordMatches, status_matches: m.statusMatches };
}

export function serializeV1Filter(v: V1FilterView): MastodonV1Filter {
  return {
    id: v.keyword.id,
    phrase: v.keyword.keyword,
    context: v.filter.context,
    whole_word: v.keyword.whole_word === 1,
    expires_at: isoDate(v.filter.filter.expires_at),
    irreversible: v.filter.action === "hide",
  };
}

/**
 * Serializes statuses for `viewerId` with their `filtered` results in `context`, leaving out
 * those a "hide" filter catches. Timelines, notifications and streaming call this (or
 * matchFilters directly) instead of serializeStatus.
 */
export async function filteredStatusesJson(
  app: WeftApp,
  viewerId: string | null,
  context: FilterContext,
  views: readonly StatusView[],
): Promise<FilteredStatus[]> {
  const matches = viewerId ? await matchFilters(app.ctx, viewerId, context, views) : new Map<string, FilterMatch[]>();
  return views.filter((v) => !hiddenBy(matches.get(v.status.id))).map((v) => withResults(serializeStatus(v, app.config), matches));
}

/** Notifications with their statuses' `filtered` results; those about a status a "hide" filter catches are left out. */
export async function filteredNotificationsJson(
  app: WeftApp,
  viewerId: string,
  views: readonly NotificationView[],
): Promise<Array<Omit<MastodonNotification, "status"> & { status: FilteredStatus | null }>> {
  const statuses = views.flatMap((v) => (v.status ? [v.status] : []));
  const matches = await matchFilters(app.ctx, viewerId, "notifications", statuses);
  return views
    .filter((v) => !v.status || !hiddenBy(matches.get(v.status.status.id)))
    .map((v) => {
      const json = serializeNotification(v, app.config);
      return { ...json, status: json.status ? withResults(json.status, matches) : null };
    });
}

export function withResults(json: MastodonStatus, matches: Map<string, FilterMatch[]>): FilteredStatus {
  return {
    ...json,
    filtered: (matches.get(json.id) ?? []).map(serializeFilterResult),
    reblog: json.reblog ? withResults(json.reblog, matches) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Parameters

function isObject(v: ParamValue | undefined): v is { [key: string]: ParamValue } {
  return v !== undefined && v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof File);
}

/** `expires_in`: seconds, or blank/null for "never". Absent: undefined. */
function expiresInParam(v: ParamValue | undefined): number | null | undefined {
  if (v === undefined) return undefined;
  const s = stringParam(v);
  if (v === null || s === undefined || s === "") return null;
  const n = Number(s);
  if (!Number.isInteger(n)) throw unprocessable("Expires in must be a whole number of seconds");
  return n;
}

/** `context[]=home&context[]=public`, `context=home`, or a JSON list. */
function contextParam(v: ParamValue | undefined): string[] | undefined {
  return v === undefined ? undefined : stringList(v);
}

/** `keywords_attributes[][keyword]=…` (array) or `keywords_attributes[0][keyword]=…` (hash). */
function keywordsParam(v: ParamValue | undefined): KeywordChange[] | undefined {
  if (v === undefined) return undefined;
  const entries = Array.isArray(v) ? v : isObject(v) ? Object.keys(v).sort((a, b) => Number(a) - Number(b)).map((k) => v[k]) : [];
  return entries.filter(isObject).map((k) => {
    const change: KeywordChange = {};
    const id = idParam(k.id);
    if (id) change.id = id;
    const keyword = stringParam(k.keyword);
    if (keyword !== undefined) change.keyword = keyword;
    const whole = boolParam(k.whole_word);
    if (whole !== undefined) change.wholeWord = whole;
    if (boolParam(k._destroy)) change.destroy = true;
    return change;
  });
}

function filterInput(params: Params): FilterInput {
  const input: FilterInput = {};
  const title = stringParam(params.title);
  if (title !== undefined) input.title = title;
  const context = contextParam(params.context);
  if (context !== undefined) input.context = context;
  const action = stringParam(params.filter_action);
  if (action !== undefined && action !== "") input.action = action;
  const expiresIn = expiresInParam(params.expires_in);
  if (expiresIn !== undefined) input.expiresIn = expiresIn;
  const keywords = keywordsParam(params.keywords_attributes);
  if (keywords !== undefined) input.keywords = keywords;
  return input;
}

// ---------------------------------------------------------------------------------------------

/** /api/v2/filters (with keywords and statuses) and the older /api/v1/filters (one phrase each). */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx } = app;
  const auth = authenticate(app);
  const read = [auth, requireScope("read:filters"), requireUser] as const;
  const write = [auth, requireScope("write:filters"), requireUser] as const;
  const me = (c: Context) => currentAccount(c).id;

  routes.get("/api/v2/filters", ...read, async (c) => c.json((await filtersOf(ctx, me(c))).map((f) => serializeFilter(f))));
  routes.post("/api/v2/filters", ...write, async (c) => {
    const filter = await createFilter(ctx, me(c), filterInput(await readParams(c)));
    return c.json(serializeFilter(filter));
  });
  routes.get(`/api/v2/filters/:id${ID}`, ...read, async (c) => c.json(serializeFilter(await getFilter(ctx, me(c), pathId(c)))));
  routes.put(`/api/v2/filters/:id${ID}`, ...write, async (c) => {
    const filter = await updateFilter(ctx, me(c), pathId(c), filterInput(await readParams(c)));
    return c.json(serializeFilter(filter));
  });
  routes.delete(`/api/v2/filters/:id${ID}`, ...write, async (c) => {
    await deleteFilter(ctx, me(c), pathId(c));
    return c.json({});
  });

  routes.get(`/api/v2/filters/:id${ID}/keywords`, ...read, async (c) =>
    c.json((await getFilter(ctx, me(c), pathId(c))).keywords.map(serializeKeyword)),
  );
  routes.post(`/api/v2/filters/:id${ID}/keywords`, ...write, async (c) => {
    const params = await readParams(c);
    const row = await addKeyword(ctx, me(c), pathId(c), {
      keyword: stringParam(params.keyword) ?? "",
      wholeWord: boolParam(params.whole_word),
    });
    return c.json(serializeKeyword(row));
  });
  routes.get(`/api/v2/filters/keywords/:id${ID}`, ...read, async (c) => c.json(serializeKeyword(await getKeyword(ctx, me(c), pathId(c)))));
  routes.put(`/api/v2/filters/keywords/:id${ID}`, ...write, async (c) => {
    const params = await readParams(c);
    const row = await updateKeyword(ctx, me(c), pathId(c), {
      keyword: stringParam(params.keyword),
      wholeWord: boolParam(params.whole_word),
    });
    return c.json(serializeKeyword(row));
  });
  routes.delete(`/api/v2/filters/keywords/:id${ID}`, ...write, async (c) => {
    await deleteKeyword(ctx, me(c), pathId(c));
    return c.json({});
  });

  routes.get(`/api/v2/filters/:id${ID}/statuses`, ...read, async (c) =>
    c.json((await getFilter(ctx, me(c), pathId(c))).statuses.map(serializeFilterStatus)),
  );
  routes.post(`/api/v2/filters/:id${ID}/statuses`, ...write, async (c) => {
    const statusId = idParam((await readParams(c)).status_id);
    if (!statusId) throw unprocessable("Status can't be blank");
    return c.json(serializeFilterStatus(await addFilterStatus(ctx, me(c), pathId(c), statusId)));
  });
  routes.get(`/api/v2/filters/statuses/:id${ID}`, ...read, async (c) =>
    c.json(serializeFilterStatus(await getFilterStatus(ctx, me(c), pathId(c)))),
  );
  routes.delete(`/api/v2/filters/statuses/:id${ID}`, ...write, async (c) => {
    await deleteFilterStatus(ctx, me(c), pathId(c));
    return c.json({});
  });

  // API v1: each phrase is a filter of its own.
  const v1Input = (params: Params) => ({
    phrase: stringParam(params.phrase),
    context: contextParam(params.context),
    irreversible: boolParam(params.irreversible),
    wholeWord: boolParam(params.whole_word),
    expiresIn: expiresInParam(params.expires_in),
  });
  routes.get("/api/v1/filters", ...read, async (c) => c.json((await v1FiltersOf(ctx, me(c))).map(serializeV1Filter)));
  routes.post("/api/v1/filters", ...write, async (c) => {
    return c.json(serializeV1Filter(await createV1Filter(ctx, me(c), v1Input(await readParams(c)))));
  });
  routes.get(`/api/v1/filters/:id${ID}`, ...read, async (c) => c.json(serializeV1Filter(await getV1Filter(ctx, me(c), pathId(c)))));
  routes.put(`/api/v1/filters/:id${ID}`, ...write, async (c) => {
    return c.json(serializeV1Filter(await updateV1Filter(ctx, me(c), pathId(c), v1Input(await readParams(c)))));
  });
  routes.delete(`/api/v1/filters/:id${ID}`, ...write, async (c) => {
    await deleteV1Filter(ctx, me(c), pathId(c));
    return c.json({});
  });
}
