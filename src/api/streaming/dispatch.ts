import type { DomainEvent } from "../../domain/events.ts";
import type { FilterContext } from "../../domain/filters.ts";
import {
  followersAmong,
  homeHolders,
  listsReached,
  listsWithMember,
  silencedViewers,
  statusFacts,
  type StatusFacts,
} from "../../domain/stream-audience.ts";
import { scopeCovers } from "../oauth/scopes.ts";
import { hashtagKeys, publicKeys } from "./channels.ts";
import type { StreamHub, Subscription } from "./hub.ts";
import { conversationPayloads, loadForStreaming, notificationPayload, statusPayloads, viewsFor } from "./render.ts";

/** A domain event, or one status entering many home feeds at once. */
export type Work = DomainEvent | { type: "home"; statusId: string; accountIds: string[] };

/*
 * Who hears what, following Mastodon's fan-out:
 * - `user`: statuses entering the account's home feed (`update`), edits of statuses in it
 *   (`status.update`), deletions of what it may hold (`delete`), and notifications when the
 *   token may read them, and `filters_changed` when the account's filters change;
 *   `user:notification` only the notifications.
 * - `public*` and `hashtag*`: public, non-boost statuses (public streams leave out replies to
 *   others), filtered per viewer for blocks and mutes of the author or anyone mentioned.
 * - `list`: statuses (boosts included) by the list's members that its owner may see and whose
 *   replies policy lets in, their edits and deletions.
 * - `direct`: a `conversation` event for every participant of a direct message.
 * Every handler looks at the subscriptions first and returns before touching the database when
 * nobody here listens.
 */
export async function dispatch(hub: StreamHub, work: Work): Promise<void> {
  switch (work.type) {
    case "home":
      return home(hub, work.statusId, work.accountIds);
    case "notification.created":
      return notification(hub, work.accountId, work.notificationId);
    case "status.created":
      return created(hub, work.statusId);
    case "status.updated":
      // Only an edit is an update for clients, as on Mastodon; new counts are not.
      return work.edited ? updated(hub, work.statusId) : undefined;
    case "status.deleted":
      return deleted(hub, work.statusId, work.accountId, work.visibility);
    case "home.inserted":
      return home(hub, work.statusId, [work.accountId]);
    case "filters.changed":
      // No payload: clients fetch their filters again.
      for (const sub of hub.subscribers(`user:${work.accountId}`)) sub.sink.send(sub.channel.streamName, "filters_changed");
      return;
  }
}

const viewersOf = (subs: Subscription[]) => [...new Set(subs.map((s) => s.sink.viewer.accountId))];

function collect(hub: StreamHub, keys: Iterable<string>): Subscription[] {
  const out: Subscription[] = [];
  for (const key of keys) out.push(...hub.subscribers(key));
  return out;
}

/** Public and hashtag subscriptions a status reaches, before per-viewer filtering. */
function broadcastSubscriptions(hub: StreamHub, facts: StatusFacts): Subscription[] {
  if (facts.visibility !== "public" || facts.reblogOfId) return [];
  const keys = facts.replyToOther ? [] : publicKeys(facts.local, facts.hasMedia);
  for (const tag of facts.tags) keys.push(...hashtagKeys(tag, facts.local));
  return collect(hub, keys);
}

/** List subscriptions a status reaches. */
async function listSubscriptions(hub: StreamHub, facts: StatusFacts): Promise<Subscription[]> {
  const lists = hub.subjectsOf("list");
  if (!lists.length) return [];
  return collect(hub, (await listsReached(hub.app.ctx, facts, lists)).map((id) => `list:${id}`));
}

const wantsBroadcast = (hub: StreamHub) =>
  hub.count("public", "public:media", "public:local", "public:local:media", "public:remote", "public:remote:media", "hashtag", "hashtag:local", "list") > 0;

async function withoutSilenced(hub: StreamHub, subs: Subscription[], facts: StatusFacts): Promise<Subscription[]> {
  if (!subs.length) return subs;
  const silenced = await silencedViewers(hub.app.ctx, viewersOf(subs), {
    authorId: facts.accountId,
    authorDomain: facts.authorDomain,
    mentionedIds: facts.mentionedIds,
  });
  return silenced.size ? subs.filter((s) => !silenced.has(s.sink.viewer.accountId)) : subs;
}

/** Subscriptions that see a status through one filter context ("home" for user and list streams). */
interface Audience {
  subs: Subscription[];
  context: FilterContext;
}

/** Hydrates the status once and sends it to each subscription as its viewer sees it. */
async function sendStatus(hub: StreamHub, statusId: string, audiences: Audience[], event: "update" | "status.update"): Promise<void> {
  const everyone = audiences.flatMap((a) => a.subs);
  if (!everyone.length) return;
  const base = await loadForStreaming(hub.app.ctx, statusId);
  if (!base) return;
  const viewers = viewersOf(everyone);
  const [views, filtering] = await Promise.all([viewsFor(hub.app.ctx, base, viewers), hub.viewersWithFilters(viewers)]);
  for (const { subs, context } of audiences) {
    if (!subs.length) continue;
    const payloads = await statusPayloads(hub.app, views, viewersOf(subs), context, filtering);
    for (const sub of subs) {
      const payload = payloads.get(sub.sink.viewer.accountId);
      if (payload) sub.sink.send(sub.channel.streamName, event, payload);
    }
  }
}

async function home(hub: StreamHub, statusId: string, accountIds: string[]): Promise<void> {
  await sendStatus(hub, statusId, [{ subs: collect(hub, accountIds.map((id) => `user:${id}`)), context: "home" }], "update");
}

async function notification(hub: StreamHub, accountId: string, notificationId: string): Promise<void> {
  const subs = [
    ...[...hub.subscribers(`user:${accountId}`)].filter((s) => scopeCovers(s.sink.viewer.scopes, "read:notifications")),
    ...hub.subscribers(`notification:${accountId}`),
  ];
  if (!subs.length) return;
  const filtering = (await hub.viewersWithFilters([accountId])).has(accountId);
  const payload = await notificationPayload(hub.app, accountId, notificationId, filtering);
  if (payload) for (const sub of subs) sub.sink.send(sub.channel.streamName, "notification", payload);
}

async function created(hub: StreamHub, statusId: string): Promise<void> {
  if (!wantsBroadcast(hub) && hub.count("direct") === 0) return;
  const facts = await statusFacts(hub.app.ctx, statusId);
  if (!facts || facts.deleted) return;
  const [broadcast, lists] = await Promise.all([
    withoutSilenced(hub, broadcastSubscriptions(hub, facts), facts),
    listSubscriptions(hub, facts).then((subs) => withoutSilenced(hub, subs, facts)),
  ]);
  await sendStatus(hub, statusId, [{ subs: broadcast, context: "public" }, { subs: lists, context: "home" }], "update");
  if (facts.visibility === "direct") await conversation(hub, facts);
}

async function conversation(hub: StreamHub, facts: StatusFacts): Promise<void> {
  const participants = new Set([facts.accountId, ...facts.mentionedIds]);
  const subs = collect(hub, [...participants].map((id) => `direct:${id}`));
  if (!subs.length) return;
  const base = await loadForStreaming(hub.app.ctx, facts.id);
  if (!base) return;
  const payloads = await conversationPayloads(hub.app.ctx, hub.app.config, base, facts.conversationId, viewersOf(subs));
  for (const sub of subs) {
    const payload = payloads.get(sub.sink.viewer.accountId);
    if (payload) sub.sink.send(sub.channel.streamName, "conversation", payload);
  }
}

async function updated(hub: StreamHub, statusId: string): Promise<void> {
  const users = hub.subjectsOf("user");
  if (!wantsBroadcast(hub) && users.length === 0) return;
  const facts = await statusFacts(hub.app.ctx, statusId);
  if (!facts || facts.deleted) return;
  const [broadcast, lists, holders] = await Promise.all([
    withoutSilenced(hub, broadcastSubscriptions(hub, facts), facts),
    listSubscriptions(hub, facts).then((subs) => withoutSilenced(hub, subs, facts)),
    users.length ? homeHolders(hub.app.ctx, statusId, users) : [],
  ]);
  const home = collect(hub, holders.map((id) => `user:${id}`));
  await sendStatus(hub, statusId, [{ subs: broadcast, context: "public" }, { subs: [...lists, ...home], context: "home" }], "status.update");
}

async function deleted(hub: StreamHub, statusId: string, authorId: string, visibility: string): Promise<void> {
  const users = hub.subjectsOf("user");
  if (!wantsBroadcast(hub) && users.length === 0) return;
  const ctx = hub.app.ctx;
  const facts = await statusFacts(ctx, statusId);
  const subs: Subscription[] = [];
  if (facts && visibility === "public" && !facts.reblogOfId) {
    // Whether it had media no longer matters: a delete for an unknown id is ignored by clients.
    const keys = [...publicKeys(facts.local, true)];
    for (const tag of facts.tags) keys.push(...hashtagKeys(tag, facts.local));
    subs.push(...collect(hub, keys));
  }
  const lists = hub.subjectsOf("list");
  if (lists.length) subs.push(...collect(hub, (await listsWithMember(ctx, authorId, lists)).map((id) => `list:${id}`)));
  if (users.length) {
    // The feeds the status sat in are already cleared; who could hold it: its author, those
    // mentioned, and (unless it was direct) the author's followers. Boosts removed with a post
    // arrive as deletions of their own, so a booster's followers hear of them here too.
    const audience = new Set([authorId, ...(facts?.mentionedIds ?? [])]);
    if (visibility !== "direct") for (const id of await followersAmong(ctx, authorId, users)) audience.add(id);
    subs.push(...collect(hub, [...audience].map((id) => `user:${id}`)));
  }
  for (const sub of subs) sub.sink.send(sub.channel.streamName, "delete", statusId);
}
