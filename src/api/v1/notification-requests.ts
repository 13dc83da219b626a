import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { loadAccounts, loadStatuses } from "../../domain/hydrate.ts";
import { getNotificationPolicy, updateNotificationPolicy, type NotificationPolicy, type PolicyValue } from "../../domain/notification-policy.ts";
import {
  acceptNotificationRequests,
  dismissNotificationRequests,
  getNotificationRequest,
  listNotificationRequests,
  notificationPolicySummary,
  type NotificationRequestView,
} from "../../domain/notification-requests.ts";
import { authenticate, currentAccount, requireScope, requireUser } from "../auth.ts";
import { readParams, stringParam, type Params } from "../body.ts";
import {
  serializeNotificationPolicy,
  serializeNotificationRequest,
  serializeV1NotificationPolicy,
} from "../entities/notification-policy.ts";
import { notFound, unprocessable } from "../errors.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { boolParam, idList } from "./status-params.ts";
import { pathId } from "./status-views.ts";

const ID = "{[0-9]+}";
const V2_FIELDS = {
  for_not_following: "forNotFollowing",
  for_not_followers: "forNotFollowers",
  for_new_accounts: "forNewAccounts",
  for_private_mentions: "forPrivateMentions",
  for_limited_accounts: "forLimitedAccounts",
} as const satisfies Record<string, keyof NotificationPolicy>;
const V1_FIELDS = {
  filter_not_following: "forNotFollowing",
  filter_not_followers: "forNotFollowers",
  filter_new_accounts: "forNewAccounts",
  filter_private_mentions: "forPrivateMentions",
} as const satisfies Record<string, keyof NotificationPolicy>;

function v2Changes(params: Params): Partial<NotificationPolicy> {
  const out: Partial<NotificationPolicy> = {};
  for (const [param, field] of Object.entries(V2_FIELDS)) {
    const v = stringParam(params[param]);
    if (v === undefined || v === "") continue;
    if (v !== "accept" && v !== "filter" && v !== "drop") throw unprocessable(`${param} must be accept, filter or drop`);
    out[field] = v as PolicyValue;
  }
  return out;
}

function v1Changes(params: Params): Partial<NotificationPolicy> {
  const out: Partial<NotificationPolicy> = {};
  for (const [param, field] of Object.entries(V1_FIELDS)) {
    const v = boolParam(params[param]);
    if (v !== undefined) out[field] = v ? "filter" : "accept";
  }
  return out;
}

/**
 * Notification filtering (Mastodon 4.3): the per-user policy in its v2 and v1 shapes, and the
 * requests holding what it filtered, to accept (the sender gets through from then on) or dismiss.
 */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);
  const read = [auth, requireScope("read:notifications"), requireUser] as const;
  const write = [auth, requireScope("write:notifications"), requireUser] as const;

  const policyOf = async (me: string) => Promise.all([getNotificationPolicy(ctx.db, me), notificationPolicySummary(ctx, me)]);

  routes.get("/api/v2/notifications/policy", ...read, async (c) => {
    const [policy, summary] = await policyOf(currentAccount(c).id);
    return c.json(serializeNotificationPolicy(policy, summary));
  });
  routes.patch("/api/v2/notifications/policy", ...write, async (c) => {
    const me = currentAccount(c).id;
    await updateNotificationPolicy(ctx, me, v2Changes(await readParams(c)));
    const [policy, summary] = await policyOf(me);
    return c.json(serializeNotificationPolicy(policy, summary));
  });
  routes.get("/api/v1/notifications/policy", ...read, async (c) => {
    const [policy, summary] = await policyOf(currentAccount(c).id);
    return c.json(serializeV1NotificationPolicy(policy, summary));
  });
  routes.patch("/api/v1/notifications/policy", ...write, async (c) => {
    const me = currentAccount(c).id;
    await updateNotificationPolicy(ctx, me, v1Changes(await readParams(c)));
    const [policy, summary] = await policyOf(me);
    return c.json(serializeV1NotificationPolicy(policy, summary));
  });

  const requestsJson = async (me: string, views: NotificationRequestView[]) => {
    const [accounts, statuses] = await Promise.all([
      loadAccounts(ctx, views.map((v) => v.request.from_account_id)),
      loadStatuses(ctx, views.flatMap((v) => (v.request.last_status_id ? [v.request.last_status_id] : [])), me),
    ]);
    const accountById = new Map(accounts.map((a) => [a.account.id, a]));
    const statusById = new Map(statuses.map((s) => [s.status.id, s]));
    return views.flatMap((v) => {
      const account = accountById.get(v.request.from_account_id);
      const status = v.request.last_status_id ? (statusById.get(v.request.last_status_id) ?? null) : null;
      return account ? [serializeNotificationRequest(v, account, status, config)] : [];
    });
  };

  routes.get("/api/v1/notifications/requests", ...read, async (c) => {
    const me = currentAccount(c).id;
    const page = parsePage(c, { defaultLimit: 40, maxLimit: 80 });
    const views = await listNotificationRequests(ctx, me, page);
    setLinkHeader(c, config, views.map((v) => v.request.id), page);
    return c.json(await requestsJson(me, views));
  });

  // Accepting moves the notifications at once, so there is never a merge still running.
  routes.get("/api/v1/notifications/requests/merged", ...read, (c) => c.json({ merged: true }));

  routes.get(`/api/v1/notifications/requests/:id${ID}`, ...read, async (c) => {
    const me = currentAccount(c).id;
    const view = await getNotificationRequest(ctx, me, pathId(c));
    const [json] = view ? await requestsJson(me, [view]) : [];
    if (!json) throw notFound();
    return c.json(json);
  });

  const one = (settle: typeof acceptNotificationRequests) => async (c: Context) => {
    if (!(await settle(ctx, currentAccount(c).id, [pathId(c)]))) throw notFound();
    return c.json({});
  };
  const many = (settle: typeof acceptNotificationRequests) => async (c: Context) => {
    const params = await readParams(c);
    await settle(ctx, currentAccount(c).id, idList(params.id, "id"));
    return c.json({});
  };
  routes.post(`/api/v1/notifications/requests/:id${ID}/accept`, ...write, one(acceptNotificationRequests));
  routes.post(`/api/v1/notifications/requests/:id${ID}/dismiss`, ...write, one(dismissNotificationRequests));
  routes.post("/api/v1/notifications/requests/accept", ...write, many(acceptNotificationRequests));
  routes.post("/api/v1/notifications/requests/dismiss", ...write, many(dismissNotificationRequests));
}
