import type { WeftApp } from "../../app.ts";
import type { Config } from "../../config.ts";
import type { Ctx } from "../../domain/context.ts";
import { hiddenBy, matchFilters, type FilterContext } from "../../domain/filters.ts";
import { loadNotifications, loadStatuses, type AccountView, type StatusView } from "../../domain/hydrate.ts";
import { viewAs, viewerStates } from "../../domain/stream-audience.ts";
import { serializeAccount, type MastodonAccount } from "../entities/account.ts";
import { serializeNotification } from "../entities/notification.ts";
import { serializeStatus, type MastodonStatus } from "../entities/status.ts";
import { filteredNotificationsJson, withResults } from "../v1/filters.ts";

/*
 * Payloads exactly as the REST API renders the same things, as JSON strings (the streaming
 * protocol nests them as strings). A status is hydrated once per event; it is serialized once
 * per distinct way viewers see it (their own favourite, boost, bookmark, poll votes), so a post
 * reaching a thousand sockets usually costs two serializations: its author's and everyone else's.
 * Keyword filters apply as in the REST timelines: a caught status carries `filtered`, one a
 * "hide" filter catches is not sent at all. Only viewers who have filters are matched.
 */

export interface MastodonConversation {
  id: string;
  unread: boolean;
  accounts: MastodonAccount[];
  last_status: MastodonStatus | null;
}

/** The status hydrated once, for nobody in particular; null when it is gone. */
export async function loadForStreaming(ctx: Ctx, statusId: string): Promise<StatusView | null> {
  const [view] = await loadStatuses(ctx, [statusId], null);
  return view ?? null;
}

/** What sets one viewer's rendering apart from another's. */
function viewerKey(view: StatusView): string {
  const part = (v: StatusView) => [v.viewer, v.poll?.ownVotes ?? null, v.poll?.voted ?? null];
  return JSON.stringify([part(view), view.reblog ? part(view.reblog) : null]);
}

/** Per-viewer views of one hydrated status, for `viewerIds`. */
export async function viewsFor(ctx: Ctx, base: StatusView, viewerIds: readonly string[]): Promise<Map<string, StatusView>> {
  const subject = base.reblog ?? base;
  const state = await viewerStates(ctx, subject.status.id, subject.poll?.poll.id ?? null, viewerIds);
  return new Map(viewerIds.map((id) => [id, viewAs(base, id, state)]));
}

/**
 * Status JSON per viewer as seen in filter `context`, serialized once per distinct rendering;
 * viewers in `filtering` are matched against their filters (and get nothing when one hides it).
 */
export async function statusPayloads(
  app: WeftApp,
  views: ReadonlyMap<string, StatusView>,
  viewerIds: readonly string[],
  context: FilterContext,
  filtering: ReadonlySet<string>,
): Promise<Map<string, string>> {
  const byKey = new Map<string, string>();
  const out = new Map<string, string>();
  for (const viewerId of viewerIds) {
    const view = views.get(viewerId);
    if (!view) continue;
    if (filtering.has(viewerId)) {
      const matches = await matchFilters(app.ctx, viewerId, context, [view]);
      if (hiddenBy(matches.get(view.status.id))) continue;
      if (matches.size) {
        out.set(viewerId, JSON.stringify(withResults(serializeStatus(view, app.config), matches)));
        continue;
      }
    }
    const key = viewerKey(view);
    let json = byKey.get(key);
    if (json === undefined) {
      json = JSON.stringify(serializeStatus(view, app.config));
      byKey.set(key, json);
    }
    out.set(viewerId, json);
  }
  return out;
}

/**
 * A direct message as the `conversation` event of each participant: the other participants,
 * the message as they see it, unread for everyone but its author.
 */
export async function conversationPayloads(
  ctx: Ctx,
  config: Pick<Config, "url">,
  base: StatusView,
  conversationId: string,
  viewerIds: readonly string[],
): Promise<Map<string, string>> {
  const views = await viewsFor(ctx, base, viewerIds);
  const participants: AccountView[] = [base.account, ...base.mentions];
  const out = new Map<string, string>();
  for (const [viewerId, view] of views) {
    const others = participants.filter((a, i) => a.account.id !== viewerId && participants.findIndex((b) => b.account.id === a.account.id) === i);
    const conversation: MastodonConversation = {
      id: conversationId,
      unread: viewerId !== base.account.account.id,
      accounts: others.map((a) => serializeAccount(a, config)),
      last_status: serializeStatus(view, config),
    };
    out.set(viewerId, JSON.stringify(conversation));
  }
  return out;
}

/**
 * A notification as its recipient gets it from GET /api/v1/notifications; null when it is gone
 * or about a status one of the recipient's filters hides.
 */
export async function notificationPayload(
  app: WeftApp,
  recipientId: string,
  notificationId: string,
  filtering: boolean,
): Promise<string | null> {
  const [view] = await loadNotifications(app.ctx, recipientId, [notificationId]);
  if (!view) return null;
  if (!filtering) return JSON.stringify(serializeNotification(view, app.config));
  const [json] = await filteredNotificationsJson(app, recipientId, [view]);
  return json ? JSON.stringify(json) : null;
}
