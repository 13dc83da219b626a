import type { Selectable } from "kysely";
import type { FilterKeywordTable, FilterStatusTable, FilterTable } from "../db/schema.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import type { StatusView } from "./hydrate.ts";
import { newId, nowIso } from "./ids.ts";
import { htmlToPlainText } from "./text/index.ts";
import { inTx } from "./tx.ts";

/*
 * Keyword filters (Mastodon's CustomFilter, API v2): a filter has a title, the contexts it
 * applies in, an action (warn, hide, blur), maybe an expiry, and matches statuses by keyword
 * or by id. matchFilters tells timelines which statuses a viewer's filters catch; the API marks
 * them `filtered` and leaves out those whose filter says hide.
 */

export type FilterContext = "home" | "notifications" | "public" | "thread" | "account";
export const FILTER_CONTEXTS: readonly FilterContext[] = ["home", "notifications", "public", "thread", "account"];
export type FilterAction = "warn" | "hide" | "blur";
export const FILTER_ACTIONS: readonly FilterAction[] = ["warn", "hide", "blur"];

export type FilterRow = Selectable<FilterTable>;
export type KeywordRow = Selectable<FilterKeywordTable>;
export type FilterStatusRow = Selectable<FilterStatusTable>;

export interface FilterView {
  filter: FilterRow;
  context: FilterContext[];
  action: FilterAction;
  keywords: KeywordRow[];
  statuses: FilterStatusRow[];
}

export interface FilterMatch {
  filter: FilterView;
  keywordMatches: string[] | null;
  statusMatches: string[] | null;
}

export interface KeywordInput {
  keyword: string;
  wholeWord?: boolean;
}

export interface KeywordChange {
  /** absent: a new keyword */
  id?: string;
  keyword?: string;
  wholeWord?: boolean;
  destroy?: boolean;
}

export interface FilterInput {
  title?: string;
  context?: string[];
  action?: string;
  /** seconds from now; null: never expires */
  expiresIn?: number | null;
  keywords?: KeywordChange[];
}

const MAX_FILTERS = 100;
const MAX_KEYWORDS = 100;
const MAX_TITLE = 256;
const MAX_KEYWORD = 512;

const invalid = (msg: string) => new DomainError("invalid", msg);
const notFound = () => new DomainError("not_found", "Record not found");

function parseContext(text: string): FilterContext[] {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v.filter((c): c is FilterContext => (FILTER_CONTEXTS as readonly string[]).includes(c)) : [];
  } catch {
    return [];
  }
}

function actionOf(row: FilterRow): FilterAction {
  return (FILTER_ACTIONS as readonly string[]).includes(row.filter_action) ? (row.filter_action as FilterAction) : "warn";
}

async function views(ctx: Ctx, rows: FilterRow[]): Promise<FilterView[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [keywords, statuses] = await Promise.all([
    ctx.db.selectFrom("filter_keywords").selectAll().where("filter_id", "in", ids).orderBy("id").execute(),
    ctx.db.selectFrom("filter_statuses").selectAll().where("filter_id", "in", ids).orderBy("id").execute(),
  ]);
  return rows.map((filter) => ({
    filter,
    context: parseContext(filter.context),
    action: actionOf(filter),
    keywords: keywords.filter((k) => k.filter_id === filter.id),
    statuses: statuses.filter((s) => s.filter_id === filter.id),
  }));
}

export async function filtersOf(ctx: Ctx, ownerId: string): Promise<FilterView[]> {
  return views(ctx, await ctx.db.selectFrom("filters").selectAll().where("account_id", "=", ownerId).orderBy("id").execute());
}

export async function getFilter(ctx: Ctx, ownerId: string, id: string): Promise<FilterView> {
  const row = await ctx.db.selectFrom("filters").selectAll().where("id", "=", id).where("account_id", "=", ownerId).executeTakeFirst();
  if (!row) throw notFound();
  return (await views(ctx, [row]))[0];
}

function checkContext(context: string[]): FilterContext[] {
  const unique = [...new Set(context)];
  if (!unique.length) throw invalid("Context can't be blank");
  if (unique.some((c) => !(FILTER_CONTEXTS as readonly string[]).includes(c))) throw invalid("Context contains invalid values");
  return unique as FilterContext[];
}

function checkKeyword(keyword: string): string {
  const k = keyword.trim();
  if (!k) throw invalid("Keyword can't be blank");
  if ([...k].length > MAX_KEYWORD) throw invalid(`Keyword is too long (maximum is ${MAX_KEYWORD} characters)`);
  return k;
}

function expiry(expiresIn: number | null | undefined): string | null | undefined {
  if (expiresIn === undefined) return undefined;
  if (expiresIn === null) return null;
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) throw invalid("Expires in must be greater than 0");
  return new Date(Date.now() + expiresIn * 1000).toISOString();
}

export async function createFilter(ctx: Ctx, ownerId: string, input: FilterInput): Promise<FilterView> {
  const title = input.title?.trim() ?? "";
  if (!title) throw invalid("Title can't be blank");
  if ([...title].length > MAX_TITLE) throw invalid(`Title is too long (maximum is ${MAX_TITLE} characters)`);
  const context = checkContext(input.context ?? []);
  const action = input.action ?? "warn";
  if (!(FILTER_ACTIONS as readonly string[]).includes(action)) throw invalid("Filter action is not included in the list");
  const keywords = (input.keywords ?? []).filter((k) => !k.destroy && k.keyword !== undefined);
  if (keywords.length > MAX_KEYWORDS) throw invalid(`Keywords is too long (maximum is ${MAX_KEYWORDS} items)`);
  const now = nowIso();
  const id = newId();
  await inTx(ctx, async (tx, emit) => {
    const count = await tx
      .selectFrom("filters")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("account_id", "=", ownerId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_FILTERS) throw invalid("You have reached the maximum number of filters");
    await tx
      .insertInto("filters")
      .values({
        id,
        account_id: ownerId,
        title,
        context: JSON.stringify(context),
        filter_action: action,
        expires_at: expiry(input.expiresIn) ?? null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    if (keywords.length) {
      await tx
        .insertInto("filter_keywords")
        .values(keywords.map((k) => ({ id: newId(), filter_id: id, keyword: checkKeyword(k.keyword!), whole_word: k.wholeWord === false ? 0 : 1, created_at: now })))
        .execute();
    }
    emit({ type: "filters.changed", accountId: ownerId });
  });
  return getFilter(ctx, ownerId, id);
}

export async function updateFilter(ctx: Ctx, ownerId: string, id: string, input: FilterInput): Promise<FilterView> {
  const current = await getFilter(ctx, ownerId, id);
  const change: Partial<FilterRow> = {};
  if (input.title !== undefined) {
    const title = input.title.trim();
    if (!title) throw invalid("Title can't be blank");
    change.title = title;
  }
  if (input.context !== undefined) change.context = JSON.stringify(checkContext(input.context));
  if (input.action !== undefined) {
    if (!(FILTER_ACTIONS as readonly string[]).includes(input.action)) throw invalid("Filter action is not included in the list");
    change.filter_action = input.action;
  }
  const expires = expiry(input.expiresIn);
  if (expires !== undefined) change.expires_at = expires;
  await inTx(ctx, async (tx, emit) => {
    await tx.updateTable("filters").set({ ...change, updated_at: nowIso() }).where("id", "=", id).execute();
    for (const k of input.keywords ?? []) {
      if (k.id) {
        // Only this filter's own keywords can be touched from here.
        if (!current.keywords.some((existing) => existing.id === k.id)) continue;
        if (k.destroy) {
          await tx.deleteFrom("filter_keywords").where("id", "=", k.id).execute();
          continue;
        }
        const set: Partial<KeywordRow> = {};
        if (k.keyword !== undefined) set.keyword = checkKeyword(k.keyword);
        if (k.wholeWord !== undefined) set.whole_word = k.wholeWord ? 1 : 0;
        if (Object.keys(set).length) await tx.updateTable("filter_keywords").set(set).where("id", "=", k.id).execute();
      } else if (!k.destroy && k.keyword !== undefined) {
        await tx
          .insertInto("filter_keywords")
          .values({ id: newId(), filter_id: id, keyword: checkKeyword(k.keyword), whole_word: k.wholeWord === false ? 0 : 1, created_at: nowIso() })
          .execute();
      }
    }
    emit({ type: "filters.changed", accountId: ownerId });
  });
  return getFilter(ctx, ownerId, id);
}

export async function deleteFilter(ctx: Ctx, ownerId: string, id: string): Promise<void> {
  await getFilter(ctx, ownerId, id);
  await inTx(ctx, async (tx, emit) => {
    await tx.deleteFrom("filters").where("id", "=", id).execute();
    emit({ type: "filters.changed", accountId: ownerId });
  });
}

// ---------------------------------------------------------------------------------------------
// Keywords and statuses one at a time (/api/v2/filters/keywords/:id, /api/v2/filters/statuses/:id)

export async function addKeyword(ctx: Ctx, ownerId: string, filterId: string, input: KeywordInput): Promise<KeywordRow> {
  const filter = await getFilter(ctx, ownerId, filterId);
  if (filter.keywords.length >= MAX_KEYWORDS) throw invalid(`Keywords is too long (maximum is ${MAX_KEYWORDS} items)`);
  const row: KeywordRow = { id: newId(), filter_id: filterId, keyword: checkKeyword(input.keyword), whole_word: input.wholeWord === false ? 0 : 1, created_at: nowIso() };
  await inTx(ctx, async (tx, emit) => {
    await tx.insertInto("filter_keywords").values(row).execute();
    emit({ type: "filters.changed", accountId: ownerId });
  });
  return row;
}

/** A keyword of one of the owner's filters. */
export async function getKeyword(ctx: Ctx, ownerId: string, keywordId: string): Promise<KeywordRow> {
  const row = await ctx.db
    .selectFrom("filter_keywords")
    .innerJoin("filters", "filters.id", "filter_keywords.filter_id")
    .selectAll("filter_keywords")
    .where("filter_keywords.id", "=", keywordId)
    .where("filters.account_id", "=", ownerId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function updateKeyword(ctx: Ctx, ownerId: string, keywordId: string, input: Partial<KeywordInput>): Promise<KeywordRow> {
  const row = await getKeyword(ctx, ownerId, keywordId);
  const set: Partial<KeywordRow> = {};
  if (input.keyword !== undefined) set.keyword = checkKeyword(input.keyword);
  if (input.wholeWord !== undefined) set.whole_word = input.wholeWord ? 1 : 0;
  if (!Object.keys(set).length) return row;
  await inTx(ctx, async (tx, emit) => {
    await tx.updateTable("filter_keywords").set(set).where("id", "=", keywordId).execute();
    emit({ type: "filters.changed", accountId: ownerId });
  });
  return { ...row, ...set };
}

export async function deleteKeyword(ctx: Ctx, ownerId: string, keywordId: string): Promise<KeywordRow> {
  const row = await getKeyword(ctx, ownerId, keywordId);
  await inTx(ctx, async (tx, emit) => {
    await tx.deleteFrom("filter_keywords").where("id", "=", keywordId).execute();
    emit({ type: "filters.changed", accountId: ownerId });
  });
  return row;
}

export async function addFilterStatus(ctx: Ctx, ownerId: string, filterId: string, statusId: string): Promise<FilterStatusRow> {
  await getFilter(ctx, ownerId, filterId);
  const status = await ctx.db.selectFrom("statuses").select("id").where("id", "=", statusId).where("deleted_at", "is", null).executeTakeFirst();
  if (!status) throw notFound();
  const taken = await ctx.db
    .selectFrom("filter_statuses")
    .select("id")
    .where("filter_id", "=", filterId)
    .where("status_id", "=", statusId)
    .executeTakeFirst();
  if (taken) throw invalid("Status has already been taken");
  const row: FilterStatusRow = { id: newId(), filter_id: filterId, status_id: statusId, created_at: nowIso() };
  await inTx(ctx, async (tx, emit) => {
    await tx.insertInto("filter_statuses").values(row).execute();
    emit({ type: "filters.changed", accountId: ownerId });
  });
  return row;
}

export async function getFilterStatus(ctx: Ctx, ownerId: string, id: string): Promise<FilterStatusRow> {
  const row = await ctx.db
    .selectFrom("filter_statuses")
    .innerJoin("filters", "filters.id", "filter_statuses.filter_id")
    .selectAll("filter_statuses")
    .where("filter_statuses.id", "=", id)
    .where("filters.account_id", "=", ownerId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function deleteFilterStatus(ctx: Ctx, ownerId: string, id: string): Promise<FilterStatusRow> {
  const row = await getFilterStatus(ctx, ownerId, id);
  await inTx(ctx, async (tx, emit) => {
    await tx.deleteFrom("filter_statuses").where("id", "=", id).execute();
    emit({ type: "filters.changed", accountId: ownerId });
  });
  return row;
}

// ---------------------------------------------------------------------------------------------
// API v1: one filter per phrase. Its id is the keyword's id, as on Mastodon.

export interface V1FilterInput {
  phrase?: string;
  context?: string[];
  irreversible?: boolean;
  wholeWord?: boolean;
  expiresIn?: number | null;
}

export interface V1FilterView {
  keyword: KeywordRow;
  filter: FilterView;
}

export async function v1FiltersOf(ctx: Ctx, ownerId: string): Promise<V1FilterView[]> {
  return (await filtersOf(ctx, ownerId)).flatMap((filter) => filter.keywords.map((keyword) => ({ keyword, filter })));
}

export async function getV1Filter(ctx: Ctx, ownerId: string, keywordId: string): Promise<V1FilterView> {
  const keyword = await getKeyword(ctx, ownerId, keywordId);
  return { keyword, filter: await getFilter(ctx, ownerId, keyword.filter_id) };
}

export async function createV1Filter(ctx: Ctx, ownerId: string, input: V1FilterInput): Promise<V1FilterView> {
  const phrase = checkKeyword(input.phrase ?? "");
  const filter = await createFilter(ctx, ownerId, {
    title: phrase,
    context: input.context,
    action: input.irreversible ? "hide" : "warn",
    expiresIn: input.expiresIn ?? null,
    keywords: [{ keyword: phrase, wholeWord: input.wholeWord ?? false }],
  });
  return { keyword: filter.keywords[0], filter };
}

export async function updateV1Filter(ctx: Ctx, ownerId: string, keywordId: string, input: V1FilterInput): Promise<V1FilterView> {
  const { filter } = await getV1Filter(ctx, ownerId, keywordId);
  const filterChange: FilterInput = {};
  if (input.context !== undefined) filterChange.context = input.context;
  if (input.irreversible !== undefined) filterChange.action = input.irreversible ? "hide" : "warn";
  if (input.expiresIn !== undefined) filterChange.expiresIn = input.expiresIn;
  if (Object.keys(filterChange).length && filter.keywords.length > 1) {
    throw invalid("This filter has several keywords: edit it with API v2");
  }
  await updateFilter(ctx, ownerId, filter.filter.id, filterChange);
  await updateKeyword(ctx, ownerId, keywordId, { keyword: input.phrase, wholeWord: input.wholeWord });
  return getV1Filter(ctx, ownerId, keywordId);
}

/** Removes the phrase, and its filter once nothing is left in it. */
export async function deleteV1Filter(ctx: Ctx, ownerId: string, keywordId: string): Promise<void> {
  const { filter } = await getV1Filter(ctx, ownerId, keywordId);
  if (filter.keywords.length <= 1 && filter.statuses.length === 0) await deleteFilter(ctx, ownerId, filter.filter.id);
  else await deleteKeyword(ctx, ownerId, keywordId);
}

// ---------------------------------------------------------------------------------------------
// Matching

/** What a filter looks at in a status: content warning, text, poll options, media descriptions. */
function searchableText(view: StatusView): string {
  const s = view.status;
  const text = s.local && s.text != null ? s.text : htmlToPlainText(s.content);
  return [
    s.spoiler_text,
    text,
    view.poll?.options.map((o) => o.title).join("\n\n") ?? "",
    view.media.map((m) => m.description ?? "").join("\n\n"),
  ]
    .filter((x) => x)
    .join("\n\n");
}

const WORD = "[\\p{L}\\p{M}\\p{N}_]";

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** Whole-word keywords get word boundaries only on the sides that start or end with a word character, as Mastodon's. */
function keywordPattern(k: KeywordRow): string {
  const body = escapeRegExp(k.keyword);
  if (!k.whole_word) return body;
  const wordChar = new RegExp(`^${WORD}$`, "u");
  const first = [...k.keyword][0] ?? "";
  const last = [...k.keyword].at(-1) ?? "";
  const start = wordChar.test(first) ? `(?<!${WORD})` : "";
  const end = wordChar.test(last) ? `(?!${WORD})` : "";
  return `${start}${body}${end}`;
}

interface CompiledFilter {
  view: FilterView;
  keywords: Array<{ keyword: string; re: RegExp }>;
  statusIds: Set<string>;
}

function compile(view: FilterView): CompiledFilter {
  return {
    view,
    keywords: view.keywords.map((k) => ({ keyword: k.keyword, re: new RegExp(keywordPattern(k), "iu") })),
    statusIds: new Set(view.statuses.map((s) => s.status_id)),
  };
}

/** The viewer's filters that are active now and apply in `context`. */
export async function activeFilters(ctx: Ctx, viewerId: string, context: FilterContext): Promise<FilterView[]> {
  const now = nowIso();
  const rows = await ctx.db
    .selectFrom("filters")
    .selectAll()
    .where("account_id", "=", viewerId)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .orderBy("id")
    .execute();
  return views(ctx, rows.filter((r) => parseContext(r.context).includes(context)));
}

/**
 * Which of the viewer's filters catch each status, keyed by status id. A boost is matched by
 * what it boosts, and both ids are keys. Statuses no filter catches are absent. The viewer's own
 * statuses are never filtered.
 */
export async function matchFilters(
  ctx: Ctx,
  viewerId: string,
  context: FilterContext,
  statusViews: readonly StatusView[],
): Promise<Map<string, FilterMatch[]>> {
  const out = new Map<string, FilterMatch[]>();
  if (!statusViews.length) return out;
  const filters = (await activeFilters(ctx, viewerId, context)).map(compile);
  if (!filters.length) return out;
  for (const view of statusViews) {
    const target = view.reblog ?? view;
    if (target.status.account_id === viewerId) continue;
    const text = searchableText(target);
    const matches: FilterMatch[] = [];
    for (const f of filters) {
      const keywordMatches = f.keywords.filter((k) => k.re.test(text)).map((k) => k.keyword);
      const statusMatches = f.statusIds.has(target.status.id) ? [target.status.id] : [];
      if (keywordMatches.length || statusMatches.length) {
        matches.push({
          filter: f.view,
          keywordMatches: keywordMatches.length ? keywordMatches : null,
          statusMatches: statusMatches.length ? statusMatches : null,
        });
      }
    }
    if (matches.length) {
      out.set(view.status.id, matches);
      if (view.reblog) out.set(view.reblog.status.id, matches);
    }
  }
  return out;
}

/** True when one of the matches says the status is not to be shown at all. */
export function hiddenBy(matches: readonly FilterMatch[] | undefined): boolean {
  return !!matches?.some((m) => m.filter.action === "hide");
}
