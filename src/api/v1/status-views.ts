import type { Context } from "hono";
import type { WeftApp } from "../../app.ts";
import { loadAccounts, loadRelationships, loadStatuses, type StatusView } from "../../domain/hydrate.ts";
import { isId, normaliseId } from "../../domain/ids.ts";
import { getStatus, type Status } from "../../domain/statuses.ts";
import { canView } from "../../domain/visibility.ts";
import { silencedAmong } from "../../domain/silenced.ts";
import { currentAuth } from "../auth.ts";
import { serializeAccount, type MastodonAccount } from "../entities/account.ts";
import { serializeStatus, type MastodonStatus } from "../entities/status.ts";
import { notFound } from "../errors.ts";

/** Shared by the status, timeline and search routes: who is asking, and what they may see. */

export function viewerOf(c: Context): string | null {
  return currentAuth(c)?.account?.id ?? null;
}

export function pathId(c: Context, name = "id"): string {
  const raw = c.req.param(name) ?? "";
  if (!isId(raw)) throw notFound();
  return normaliseId(raw);
}

/**
 * A status the viewer may see, else 404 (never 403: what you may not see does not exist for
 * you). A boost is visible when its original is.
 */
export async function visibleStatus(app: WeftApp, id: string, viewerId: string | null): Promise<Status> {
  const status = await getStatus(app.ctx, id);
  if (!status || !(await canView(app.ctx.db, status, viewerId))) throw notFound();
  if (status.reblog_of_id) {
    const original = await getStatus(app.ctx, status.reblog_of_id);
    if (!original || !(await canView(app.ctx.db, original, viewerId))) throw notFound();
  }
  if (viewerId && viewerId !== status.account_id) {
    const [rel] = await loadRelationships(app.ctx, viewerId, [status.account_id]);
    if (rel?.blockedBy) throw notFound();
  }
  return status;
}

/**
 * Drops statuses whose author (or boosted author) the viewer blocks or mutes, or who blocks the
 * viewer; the viewer's own are always kept.
 */
export async function withoutSilenced(app: WeftApp, views: StatusView[], viewerId: string | null): Promise<StatusView[]> {
  if (!viewerId || !views.length) return views;
  const authors = new Set<string>();
  for (const v of views) {
    authors.add(v.status.account_id);
    if (v.reblog) authors.add(v.reblog.status.account_id);
  }
  authors.delete(viewerId);
  if (!authors.size) return views;
  const silenced = await silencedAmong(app.ctx, viewerId, [...authors]);
  return views.filter((v) => !silenced.has(v.status.account_id) && !(v.reblog && silenced.has(v.reblog.status.account_id)));
}

export async function statusesJson(app: WeftApp, ids: readonly string[], viewerId: string | null): Promise<MastodonStatus[]> {
  const views = await loadStatuses(app.ctx, ids, viewerId);
  return views.map((v) => serializeStatus(v, app.config));
}

export async function statusJson(app: WeftApp, id: string, viewerId: string | null): Promise<MastodonStatus> {
  const [json] = await statusesJson(app, [id], viewerId);
  if (!json) throw notFound();
  return json;
}

export async function accountsJson(app: WeftApp, ids: readonly string[]): Promise<MastodonAccount[]> {
  const views = await loadAccounts(app.ctx, ids);
  return views.map((v) => serializeAccount(v, app.config));
}
