import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { loadNotifications } from "../../domain/hydrate.ts";
import { isId, normaliseId } from "../../domain/ids.ts";
import { getMarkers, MARKER_TIMELINES, saveMarker, type Marker, type MarkerTimeline } from "../../domain/markers.ts";
import {
  clearNotifications,
  dismissNotification,
  listNotificationIds,
  unreadNotificationCount,
  type NotificationFilter,
} from "../../domain/notification-list.ts";
import { authenticate, currentAccount, requireScope, requireUser } from "../auth.ts";
import { readParams, stringParam, type ParamValue } from "../body.ts";
import { isoDate } from "../entities/format.ts";
import { serializeNotification } from "../entities/notification.ts";
import { notFound } from "../errors.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { pathId } from "./status-views.ts";
import { filteredNotificationsJson } from "./filters.ts";

const ID = "{[0-9]+}";

/** `types[]=a&types[]=b`, `types=a`, or `types[0]=a` (masto.js), all the same list. */
export function queryList(c: Context, name: string): string[] {
  const url = new URL(c.req.url);
  const out: string[] = [];
  for (const [k, v] of url.searchParams) {
    if (k === name || k === `${name}[]` || new RegExp(`^${name}\\[\\d+\\]$`).test(k)) out.push(v);
  }
  return out;
}

export function filterOf(c: Context): NotificationFilter {
  const from = c.req.query("account_id");
  return {
    types: queryList(c, "types"),
    excludeTypes: queryList(c, "exclude_types"),
    fromAccountId: from && isId(from) ? normaliseId(from) : null,
    includeFiltered: /^(1|true|t|on|yes)$/i.test(c.req.query("include_filtered") ?? ""),
  };
}

function serializeMarker(m: Marker) {
  return { last_read_id: m.last_read_id, version: m.version, updated_at: isoDate(m.updated_at) };
}

/** Notifications, and the read markers that say which of them are new. */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);
  const read = [auth, requireScope("read:notifications"), requireUser] as const;
  const write = [auth, requireScope("write:notifications"), requireUser] as const;

  routes.get("/api/v1/notifications", ...read, async (c) => {
    const me = currentAccount(c).id;
    const page = parsePage(c, { defaultLimit: 40, maxLimit: 80 });
    const ids = await listNotificationIds(ctx, me, filterOf(c), page);
    setLinkHeader(c, config, ids, page);
    const views = await loadNotifications(ctx, me, ids);
    return c.json(await filteredNotificationsJson(app, me, views));
  });

  routes.get("/api/v1/notifications/unread_count", ...read, async (c) => {
    const raw = Number.parseInt(c.req.query("limit") ?? "", 10);
    const limit = Number.isFinite(raw) && raw > 0 ? Math.min(raw, 1000) : 100;
    return c.json({ count: await unreadNotificationCount(ctx, currentAccount(c).id, filterOf(c), limit) });
  });

  routes.get(`/api/v1/notifications/:id${ID}`, ...read, async (c) => {
    const [view] = await loadNotifications(ctx, currentAccount(c).id, [pathId(c)]);
    if (!view) throw notFound();
    return c.json(serializeNotification(view, config));
  });

  routes.post("/api/v1/notifications/clear", ...write, async (c) => {
    await clearNotifications(ctx, currentAccount(c).id);
    return c.json({});
  });

  routes.post(`/api/v1/notifications/:id${ID}/dismiss`, ...write, async (c) => {
    await dismissNotification(ctx, currentAccount(c).id, pathId(c));
    return c.json({});
  });

  routes.get("/api/v1/markers", auth, requireScope("read:statuses"), requireUser, async (c) => {
    const wanted = queryList(c, "timeline").filter((t): t is MarkerTimeline => (MARKER_TIMELINES as readonly string[]).includes(t));
    const markers = await getMarkers(ctx, currentAccount(c).id, wanted);
    return c.json(Object.fromEntries(markers.map((m) => [m.timeline, serializeMarker(m)])));
  });

  routes.post("/api/v1/markers", auth, requireScope("write:statuses"), requireUser, async (c) => {
    const params = await readParams(c);
    const me = currentAccount(c).id;
    const out: Record<string, ReturnType<typeof serializeMarker>> = {};
    for (const timeline of MARKER_TIMELINES) {
      const lastRead = lastReadId(params[timeline]);
      if (lastRead) out[timeline] = serializeMarker(await saveMarker(ctx, me, timeline, lastRead));
    }
    return c.json(out);
  });
}

function lastReadId(v: ParamValue | undefined): string | undefined {
  if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof File) return undefined;
  return stringParam(v.last_read_id);
}
