import type { SelectQueryBuilder } from "kysely";
import { normaliseId } from "./ids.ts";

/** Mastodon's id-based paging: max_id (older than), since_id (newer than, newest first), min_id (just after, oldest first). */
export interface Page {
  maxId?: string | null;
  sinceId?: string | null;
  minId?: string | null;
  limit: number;
}

/**
 * Applies a Page to a query over a time-sortable id column. With min_id the rows are fetched
 * ascending (the page right after min_id) and must be reversed by the caller: use `pageResult`.
 */
export function applyPage<DB, TB extends keyof DB, O>(
  q: SelectQueryBuilder<DB, TB, O>,
  column: string,
  page: Page,
): SelectQueryBuilder<DB, TB, O> {
  const col = column as never;
  if (page.maxId) q = q.where(col, "<", normaliseId(page.maxId) as never);
  if (page.sinceId) q = q.where(col, ">", normaliseId(page.sinceId) as never);
  if (page.minId) q = q.where(col, ">", normaliseId(page.minId) as never);
  return q.orderBy(col, page.minId ? "asc" : "desc").limit(page.limit);
}

export function pageResult<T>(rows: T[], page: Page): T[] {
  return page.minId ? rows.reverse() : rows;
}
