import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { loadAccounts, loadNotifications } from "../../domain/hydrate.ts";
import {
  dismissNotificationGroup,
  findNotificationGroup,
  groupAccountIds,
  groupedTypesOf,
  listNotificationGroups,
  unreadGroupCount,
  type GroupSummary,
} from "../../domain/notification-groups.ts";
import { authenticate, currentAccount, requireScope, requireUser } from "../auth.ts";
import { serializeAccount } from "../entities/account.ts";
import {
  type MastodonGroupedNotifications,
  serializeNotificationGroup,
  serializePartialAccount,
} from "../entities/notification-group.ts";
import { ApiError, notFound } from "../errors.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { filteredStatusesJson, type FilteredStatus } from "../v1/filters.ts";
import { filterOf, queryList } from "../v1/notifications.ts";

/** Group keys as Weft makes them: "ungrouped-<id>", "favourite-<statusId>-<hour>", "follow-<hour>". */
const GROUP_KEY = "{[a-z._]+-[0-9-]+}";

type ExpandAccounts = "full" | "partial_avatars";

function expandAccounts(c: Context): ExpandAccounts {
  const v = c.req.query("expand_accounts");
  if (v === undefined || v === "full") return "full";
  if (v === "partial_avatars") return v;
  throw new ApiError(400, `Invalid value for 'expand_accounts': '${v}', allowed values are 'full' and 'partial_avatars'`);
}

/**
 * Mastodon 4.3's grouped notifications (/api/v2/notifications): favourites and boosts of one
 * post, and follows, come as one group with a count and sample accounts; each account and
 * status appears once per response however many groups name it.
 */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);
  const read = [auth, requireScope("read:notifications"), requireUser] as const;
  const write = [auth, requireScope("write:notifications"), requireUser] as const;

  /** Groups, their statuses (keyword filters applied) and every account they name, each once. */
  async function resultsJson(me: string, groups: GroupSummary[], expand: ExpandAccounts): Promise<MastodonGroupedNotifications<FilteredStatus>> {
    const views = new Map((await loadNotifications(ctx, me, groups.map((g) => g.representativeId))).map((v) => [v.notification.id, v]));
    const statusViews = [...new Map([...views.values()].flatMap((v) => (v.status ? [[v.status.status.id, v.status] as const] : []))).values()];
    const statuses = await filteredStatusesJson(app, me, "notifications", statusViews);
    const shown = new Set(statuses.map((s) => s.id));
    const kept = groups.filter((g) => {
      const view = views.get(g.representativeId);
      return view && (!view.status || shown.has(view.status.status.id));
    });
    const accountViews = await loadAccounts(ctx, kept.flatMap((g) => g.sampleAccountIds));
    const known = new Set(accountViews.map((a) => a.account.id));
    const out: MastodonGroupedNotifications<FilteredStatus> = {
      accounts: [],
      statuses,
      notification_groups: kept.map((g) => serializeNotificationGroup(g, views.get(g.representativeId)!, known, config)),
    };
    if (expand === "full") {
      out.accounts = accountViews.map((a) => serializeAccount(a, config));
      return out;
    }
    // Only the first account of each group in full; the others as avatars (Mastodon's partial_avatars).
    const firsts = new Set(out.notification_groups.flatMap((g) => g.sample_account_ids.slice(0, 1)));
    out.accounts = accountViews.filter((a) => firsts.has(a.account.id)).map((a) => serializeAccount(a, config));
    out.partial_accounts = accountViews.filter((a) => !firsts.has(a.account.id)).map((a) => serializePartialAccount(a, config));
    return out;
  }

  routes.get("/api/v2/notifications", ...read, async (c) => {
    const me = currentAccount(c).id;
    const expand = expandAccounts(c);
    const page = parsePage(c, { defaultLimit: 40, maxLimit: 80 });
    const groups = await listNotificationGroups(ctx, me, filterOf(c), page, groupedTypesOf(queryList(c, "grouped_types")));
    // Paging keys are notification ids: the next page starts below the oldest notification shown.
    setLinkHeader(c, config, groups.map((g) => g.representativeId), page);
    return c.json(await resultsJson(me, groups, expand));
  });

  routes.get("/api/v2/notifications/unread_count", ...read, async (c) => {
    const raw = Number.parseInt(c.req.query("limit") ?? "", 10);
    const limit = Number.isFinite(raw) && raw > 0 ? Math.min(raw, 1000) : 100;
    const types = groupedTypesOf(queryList(c, "grouped_types"));
    return c.json({ count: await unreadGroupCount(ctx, currentAccount(c).id, filterOf(c), types, limit) });
  });

  routes.get(`/api/v2/notifications/:group_key${GROUP_KEY}`, ...read, async (c) => {
    const me = currentAccount(c).id;
    const group = await findNotificationGroup(ctx, me, c.req.param("group_key"));
    if (!group) throw notFound();
    const json = await resultsJson(me, [group], "full");
    if (!json.notification_groups.length) throw notFound();
    return c.json(json);
  });

  routes.post(`/api/v2/notifications/:group_key${GROUP_KEY}/dismiss`, ...write, async (c) => {
    await dismissNotificationGroup(ctx, currentAccount(c).id, c.req.param("group_key"));
    return c.json({});
  });

  routes.get(`/api/v2/notifications/:group_key${GROUP_KEY}/accounts`, ...read, async (c) => {
    const page = parsePage(c, { defaultLimit: 40, maxLimit: 80 });
    const rows = await groupAccountIds(ctx, currentAccount(c).id, c.req.param("group_key"), page);
    setLinkHeader(c, config, rows.map((r) => r.id), page);
    const views = new Map((await loadAccounts(ctx, rows.map((r) => r.accountId))).map((a) => [a.account.id, a]));
    // One entry per notification, as Mastodon lists them: someone who followed twice appears twice.
    return c.json(rows.flatMap((r) => {
      const view = views.get(r.accountId);
      return view ? [serializeAccount(view, config)] : [];
    }));
  });
}
