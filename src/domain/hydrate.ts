import type { Selectable } from "kysely";
import type {
  MediaAttachmentTable,
  NotificationTable,
  PollTable,
  StatusTable,
  TagTable,
} from "../db/schema.ts";
import type { Account } from "./accounts.ts";
import type { Ctx } from "./context.ts";
import { loadRelationshipExtras } from "./relationship-extras.ts";
import { mutedThreadsAmong, threadOf } from "./conversation-mutes.ts";
import { pinnedAmong, PINNABLE } from "./pins.ts";
import { loadCards, type PreviewCard } from "./cards.ts";
import { getReports, type Report } from "./reports.ts";
import { readRegistrationSettings } from "./instance-settings.ts";

/*
 * Batched loaders: everything a list of statuses, accounts, relationships or notifications
 * needs to be shown, fetched with a fixed number of queries however long the list is
 * (one per kind of thing, never one per item). The results are plain domain objects;
 * api/entities turns them into Mastodon JSON without touching the database.
 */

export type StatusRow = Selectable<StatusTable>;
export type MediaRow = Selectable<MediaAttachmentTable>;
export type TagRow = Selectable<TagTable>;
export type PollRow = Selectable<PollTable>;
export type NotificationRow = Selectable<NotificationTable>;

export interface AccountView {
  account: Account;
  /** local account whose user is an admin */
  admin: boolean;
  /** local account whose owner hides who they follow and who follows them (users.settings) */
  hideCollections?: boolean;
}

export interface PollView {
  poll: PollRow;
  options: Array<{ title: string; votesCount: number | null }>;
  expired: boolean;
  /** null when nobody is signed in */
  ownVotes: number[] | null;
  /** the viewer voted, or wrote the poll (null when nobody is signed in) */
  voted: boolean | null;
}

export interface ViewerFlags {
  favourited: boolean;
  reblogged: boolean;
  bookmarked: boolean;
  muted: boolean;
  /** null when the status cannot be pinned by the viewer (not theirs, a boost, or direct) */
  pinned: boolean | null;
}

export interface StatusView {
  status: StatusRow;
  account: AccountView;
  /** the boosted status, hydrated one level (its own `reblog` is always null) */
  reblog: StatusView | null;
  media: MediaRow[];
  /** mentions shown to clients */
  mentions: AccountView[];
  /** addressed but not shown (Mastodon's silent mentions): they give access, nothing more */
  silentMentions: AccountView[];
  tags: TagRow[];
  poll: PollView | null;
  application: { name: string; website: string | null } | null;
  /** null when nobody is signed in */
  viewer: ViewerFlags | null;
  /** the link preview, once fetched (never on the boost itself) */
  card?: PreviewCard | null;
}

export interface RelationshipView {
  targetId: string;
  following: boolean;
  showingReblogs: boolean;
  notifying: boolean;
  followedBy: boolean;
  blocking: boolean;
  blockedBy: boolean;
  muting: boolean;
  mutingNotifications: boolean;
  mutingExpiresAt: string | null;
  requested: boolean;
  requestedBy: boolean;
  domainBlocking: boolean;
  endorsed: boolean;
  note: string;
}

export interface ReportView {
  report: Report;
  targetAccount: AccountView;
}

export interface NotificationView {
  notification: NotificationRow;
  account: AccountView;
  status: StatusView | null;
  /** for admin.report */
  report?: ReportView | null;
}

const unique = <T>(xs: Iterable<T | null | undefined>): T[] => [...new Set([...xs].filter((x): x is T => x != null))];

function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/** Accounts by id, in the order asked, skipping unknown and deleted ones. One query. */
export async function loadAccounts(ctx: Ctx, ids: readonly string[]): Promise<AccountView[]> {
  const map = await loadAccountMap(ctx, ids);
  return unique(ids).flatMap((id) => map.get(id) ?? []);
}

async function loadAccountMap(ctx: Ctx, ids: readonly string[]): Promise<Map<string, AccountView>> {
  const wanted = unique(ids);
  if (!wanted.length) return new Map();
  const rows = await ctx.db
    .selectFrom("accounts")
    .leftJoin("users", "users.account_id", "accounts.id")
    .selectAll("accounts")
    .select(["users.admin as user_admin", "users.settings as user_settings"])
    .where("accounts.id", "in", wanted)
    .where("accounts.deleted_at", "is", null)
    .execute();
  return new Map(
    rows.map(({ user_admin, user_settings, ...account }) => [
      account.id,
      { account, admin: user_admin === 1, hideCollections: hidesCollections(user_settings) },
    ]),
  );
}

function hidesCollections(settings: string | null): boolean {
  if (!settings) return false;
  try {
    return JSON.parse(settings)?.hide_collections === true;
  } catch {
    return false;
  }
}

/**
 * Statuses by id, in the order asked, ready to show to `viewerId` (null: signed out).
 * Deleted statuses, statuses of deleted accounts and boosts of vanished statuses are left
 * out. Visibility is not checked here: callers pick ids the viewer may see.
 */
export async function loadStatuses(ctx: Ctx, ids: readonly string[], viewerId: string | null): Promise<StatusView[]> {
  const wanted = unique(ids);
  if (!wanted.length) return [];
  const outer = await ctx.db
    .selectFrom("statuses")
    .selectAll()
    .where("id", "in", wanted)
    .where("deleted_at", "is", null)
    .execute();
  if (!outer.length) return [];
  const outerIds = new Set(outer.map((s) => s.id));
  const innerIds = unique(outer.map((s) => s.reblog_of_id)).filter((id) => !outerIds.has(id));
  const inner = innerIds.length
    ? await ctx.db.selectFrom("statuses").selectAll().where("id", "in", innerIds).where("deleted_at", "is", null).execute()
    : [];
  const rows = new Map([...outer, ...inner].map((s) => [s.id, s]));
  const allIds = [...rows.keys()];
  const pollIds = unique([...rows.values()].map((s) => s.poll_id));
  const appIds = unique([...rows.values()].map((s) => s.application_id));

  const [mentionRows, media, tagRows, polls, votes, apps, viewer, cards] = await Promise.all([
    ctx.db.selectFrom("mentions").select(["status_id", "account_id", "silent"]).where("status_id", "in", allIds).execute(),
    ctx.db.selectFrom("media_attachments").selectAll().where("status_id", "in", allIds).orderBy("id").execute(),
    ctx.db
      .selectFrom("status_tags")
      .innerJoin("tags", "tags.id", "status_tags.tag_id")
      .selectAll("tags")
      .select("status_tags.status_id")
      .where("status_tags.status_id", "in", allIds)
      .orderBy("tags.name")
      .execute(),
    pollIds.length ? ctx.db.selectFrom("polls").selectAll().where("id", "in", pollIds).execute() : [],
    pollIds.length && viewerId
      ? ctx.db
          .selectFrom("poll_votes")
          .select(["poll_id", "choice"])
          .where("poll_id", "in", pollIds)
          .where("account_id", "=", viewerId)
          .orderBy("choice")
          .execute()
      : [],
    appIds.length ? ctx.db.selectFrom("oauth_apps").select(["id", "name", "website"]).where("id", "in", appIds).execute() : [],
    viewerId
      ? loadViewerSets(ctx, allIds, viewerId, [...rows.values()].map(threadOf), [...rows.values()].filter((r) => r.account_id === viewerId).map((r) => r.id))
      : null,
    loadCards(ctx, allIds),
  ]);

  const accounts = await loadAccountMap(ctx, [
    ...[...rows.values()].map((s) => s.account_id),
    ...mentionRows.map((m) => m.account_id),
  ]);
  const mentionsBy = groupBy(mentionRows, (m) => m.status_id);
  const mediaBy = groupBy(media, (m) => m.status_id);
  const tagsBy = groupBy(tagRows, (t) => t.status_id);
  const pollsById = new Map(polls.map((p) => [p.id, p]));
  const votesBy = groupBy(votes, (v) => v.poll_id);
  const appsById = new Map(apps.map((a) => [a.id, a]));
  const now = Date.now();

  const build = (s: StatusRow, reblog: StatusView | null): StatusView | null => {
    const account = accounts.get(s.account_id);
    if (!account) return null;
    const pollRow = s.poll_id ? pollsById.get(s.poll_id) : undefined;
    const app = s.application_id ? appsById.get(s.application_id) : undefined;
    // A boost carries no state of its own: what the viewer did is what they did to the original.
    const flagsOf = reblog?.status ?? s;
    return {
      status: s,
      account,
      reblog,
      media: reblog ? [] : (mediaBy.get(s.id) ?? []),
      mentions: (mentionsBy.get(s.id) ?? []).flatMap((m) => (m.silent ? [] : (accounts.get(m.account_id) ?? []))),
      silentMentions: (mentionsBy.get(s.id) ?? []).flatMap((m) => (m.silent ? (accounts.get(m.account_id) ?? []) : [])),
      tags: (tagsBy.get(s.id) ?? []).map(({ status_id: _s, ...tag }) => tag),
      poll: pollRow ? pollView(pollRow, viewerId, votesBy.get(pollRow.id) ?? [], now) : null,
      application: app ? { name: app.name, website: app.website } : null,
      card: reblog ? null : (cards.get(s.id) ?? null),
      viewer: viewer
        ? {
            favourited: viewer.favourited.has(flagsOf.id),
            reblogged: viewer.reblogged.has(flagsOf.id),
            bookmarked: viewer.bookmarked.has(flagsOf.id),
            muted: viewer.muted.has(threadOf(flagsOf)),
            pinned:
              s.account_id === viewerId && !reblog && PINNABLE.has(s.visibility)
                ? viewer.pinned.has(s.id)
                : null,
          }
        : null,
    };
  };

  return wanted.flatMap((id) => {
    const s = rows.get(id);
    if (!s || !outerIds.has(id)) return [];
    if (!s.reblog_of_id) return build(s, null) ?? [];
    const original = rows.get(s.reblog_of_id);
    const inner = original ? build(original, null) : null;
    return inner ? (build(s, inner) ?? []) : [];
  });
}

function pollView(poll: PollRow, viewerId: string | null, votes: Array<{ choice: number }>, now: number): PollView {
  const ownVotes = viewerId ? votes.map((v) => v.choice) : null;
  const titles = parseJsonArray<string>(poll.options);
  const tallies = parseJsonArray<number>(poll.cached_tallies);
  const expired = poll.expires_at != null && Date.parse(poll.expires_at) <= now;
  return {
    poll,
    options: titles.map((title, i) => ({ title: String(title), votesCount: typeof tallies[i] === "number" ? tallies[i] : 0 })),
    expired,
    ownVotes,
    voted: viewerId ? ownVotes!.length > 0 || poll.account_id === viewerId : null,
  };
}

function parseJsonArray<T>(text: string | null): T[] {
  if (!text) return [];
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

interface ViewerSets {
  favourited: Set<string>;
  reblogged: Set<string>;
  bookmarked: Set<string>;
  pinned: Set<string>;
  /** threads (conversation ids) the viewer muted */
  muted: Set<string>;
}

/** `ownIds`: the viewer's own statuses among them, the only ones that can be pinned (no query when none). */
async function loadViewerSets(ctx: Ctx, statusIds: string[], viewerId: string, threadIds: string[], ownIds: string[]): Promise<ViewerSets> {
  const [favs, boosts, marks, pinned, muted] = await Promise.all([
    ctx.db
      .selectFrom("favourites")
      .select("status_id")
      .where("account_id", "=", viewerId)
      .where("status_id", "in", statusIds)
      .execute(),
    ctx.db
      .selectFrom("statuses")
      .select("reblog_of_id")
      .where("account_id", "=", viewerId)
      .where("reblog_of_id", "in", statusIds)
      .where("deleted_at", "is", null)
      .execute(),
    ctx.db
      .selectFrom("bookmarks")
      .select("status_id")
      .where("account_id", "=", viewerId)
      .where("status_id", "in", statusIds)
      .execute(),
    pinnedAmong(ctx, viewerId, ownIds),
    mutedThreadsAmong(ctx.db, viewerId, threadIds),
  ]);
  return {
    favourited: new Set(favs.map((r) => r.status_id)),
    reblogged: new Set(unique(boosts.map((r) => r.reblog_of_id))),
    bookmarked: new Set(marks.map((r) => r.status_id)),
    pinned,
    muted,
  };
}

/** How `viewerId` stands with each target, in the order asked. A fixed number of queries. */
export async function loadRelationships(
  ctx: Ctx,
  viewerId: string,
  targetIds: readonly string[],
): Promise<RelationshipView[]> {
  const targets = unique(targetIds);
  if (!targets.length) return [];
  const pairs = <T extends "follows" | "follow_requests" | "blocks">(table: T) =>
    Promise.all([
      ctx.db
        .selectFrom(table as "follows")
        .selectAll()
        .where("account_id", "=", viewerId)
        .where("target_account_id", "in", targets)
        .execute(),
      ctx.db
        .selectFrom(table as "follows")
        .select("account_id")
        .where("target_account_id", "=", viewerId)
        .where("account_id", "in", targets)
        .execute(),
    ]);
  const [[following, followedBy], [requested, requestedBy], [blocking, blockedBy], mutes, extras] = await Promise.all([
    pairs("follows"),
    pairs("follow_requests"),
    pairs("blocks"),
    ctx.db
      .selectFrom("mutes")
      .selectAll()
      .where("account_id", "=", viewerId)
      .where("target_account_id", "in", targets)
      .execute(),
    // Note, endorsement and domain block: the settings tables' own loader, so both agree.
    loadRelationshipExtras(ctx, viewerId, targets),
  ]);
  const byTarget = <R extends { target_account_id: string }>(rows: R[]) => new Map(rows.map((r) => [r.target_account_id, r]));
  const bySource = (rows: Array<{ account_id: string }>) => new Set(rows.map((r) => r.account_id));
  const followMap = byTarget(following);
  const requestMap = byTarget(requested);
  const blockSet = byTarget(blocking);
  const now = new Date().toISOString();
  const muteMap = byTarget(mutes.filter((m) => m.expires_at == null || m.expires_at > now));
  const followers = bySource(followedBy);
  const requesters = bySource(requestedBy);
  const blockers = bySource(blockedBy);

  return targets.map((id) => {
    const follow = followMap.get(id) ?? requestMap.get(id);
    const mute = muteMap.get(id);
    const extra = extras.get(id);
    return {
      targetId: id,
      following: followMap.has(id),
      showingReblogs: follow ? follow.show_reblogs === 1 : false,
      notifying: follow ? follow.notify === 1 : false,
      followedBy: followers.has(id),
      blocking: blockSet.has(id),
      blockedBy: blockers.has(id),
      muting: !!mute,
      mutingNotifications: mute ? mute.hide_notifications === 1 : false,
      mutingExpiresAt: mute?.expires_at ?? null,
      requested: requestMap.has(id),
      requestedBy: requesters.has(id),
      domainBlocking: extra?.domainBlocking ?? false,
      endorsed: extra?.endorsed ?? false,
      note: extra?.note ?? "",
    };
  });
}

/**
 * Notifications by id for their recipient, in the order asked. Those whose sender is gone,
 * or whose status is gone when they need one, are left out.
 */
export async function loadNotifications(
  ctx: Ctx,
  recipientId: string,
  ids: readonly string[],
): Promise<NotificationView[]> {
  const wanted = unique(ids);
  if (!wanted.length) return [];
  const rows = await ctx.db
    .selectFrom("notifications")
    .selectAll()
    .where("id", "in", wanted)
    .where("account_id", "=", recipientId)
    .execute();
  const [statuses, reports] = await Promise.all([
    loadStatuses(ctx, unique(rows.map((n) => n.status_id)), recipientId),
    getReports(ctx, unique(rows.map((n) => n.report_id))),
  ]);
  const accounts = await loadAccountMap(ctx, [...rows.map((n) => n.from_account_id), ...reports.map((r) => r.target_account_id)]);
  const reportById = new Map(reports.map((r) => [r.id, r]));
  const statusById = new Map(statuses.map((s) => [s.status.id, s]));
  const byId = new Map(rows.map((n) => [n.id, n]));
  return wanted.flatMap((id) => {
    const n = byId.get(id);
    if (!n) return [];
    const account = accounts.get(n.from_account_id);
    const status = n.status_id ? (statusById.get(n.status_id) ?? null) : null;
    if (!account || (n.status_id && !status)) return [];
    if (!n.report_id) return [{ notification: n, account, status }];
    const report = reportById.get(n.report_id);
    const targetAccount = report && accounts.get(report.target_account_id);
    return report && targetAccount ? [{ notification: n, account, status, report: { report, targetAccount } }] : [];
  });
}

export type RegistrationsMode = "open" | "approval" | "closed";

/** What the instance entities show, read from instance_settings and a few counts. */
export interface InstanceFacts {
  title: string;
  shortDescription: string;
  description: string;
  contactEmail: string;
  contactAccount: AccountView | null;
  registrationsMode: RegistrationsMode;
  rules: Array<{ text: string; hint: string }>;
  languages: string[];
  thumbnailUrl: string | null;
  sourceUrl: string | null;
  userCount: number;
  statusCount: number;
  domainCount: number;
  activeMonth: number;
}

/*
 * instance_settings keys read here (values are JSON): site_title, site_short_description,
 * site_description, site_contact_email, registrations_mode ("open" | "approval" | "closed"),
 * rules (array of strings or {text, hint}), languages (array of codes), site_thumbnail,
 * source_url.
 */
const INSTANCE_KEYS = [
  "site_title",
  "site_short_description",
  "site_description",
  "site_contact_email",
  "registrations_mode",
  "rules",
  "languages",
  "site_thumbnail",
  "source_url",
] as const;

export async function loadInstanceFacts(ctx: Ctx): Promise<InstanceFacts> {
  const monthAgo = new Date(Date.now() - 30 * 24 * 3600 * 1000).toISOString();
  const [settingRows, admin, users, statuses, domains, active, registrations] = await Promise.all([
    ctx.db.selectFrom("instance_settings").selectAll().where("key", "in", [...INSTANCE_KEYS]).execute(),
    ctx.db
      .selectFrom("users")
      .innerJoin("accounts", "accounts.id", "users.account_id")
      .select(["users.account_id", "users.email"])
      .where("users.admin", "=", 1)
      .where("accounts.deleted_at", "is", null)
      .orderBy("users.created_at")
      .limit(1)
      .executeTakeFirst(),
    ctx.db
      .selectFrom("users")
      .innerJoin("accounts", "accounts.id", "users.account_id")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("accounts.deleted_at", "is", null)
      .executeTakeFirstOrThrow(),
    ctx.db
      .selectFrom("statuses")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("local", "=", 1)
      .where("deleted_at", "is", null)
      .where("reblog_of_id", "is", null)
      .executeTakeFirstOrThrow(),
    ctx.db
      .selectFrom("accounts")
      .select((eb) => eb.fn.count<string | number>("domain").distinct().as("n"))
      .where("domain", "is not", null)
      .executeTakeFirstOrThrow(),
    ctx.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("last_active_at", ">=", monthAgo)
      .executeTakeFirstOrThrow(),
    // One reading of the sign-up mode for every entity: Mastodon's "none" is closed.
    readRegistrationSettings(ctx),
  ]);
  const settings = new Map<string, unknown>();
  for (const row of settingRows) {
    try {
      settings.set(row.key, JSON.parse(row.value));
    } catch {
      // An unreadable setting falls back to its default below.
    }
  }
  const str = (key: string, fallback: string) => {
    const v = settings.get(key);
    return typeof v === "string" ? v : fallback;
  };
  const contactAccount = admin ? ((await loadAccounts(ctx, [admin.account_id]))[0] ?? null) : null;
  const rawRules = settings.get("rules");
  const rawLanguages = settings.get("languages");
  return {
    title: str("site_title", "Weft"),
    shortDescription: str("site_short_description", ""),
    description: str("site_description", ""),
    contactEmail: str("site_contact_email", admin?.email ?? ""),
    contactAccount,
    registrationsMode: registrations.mode,
    rules: Array.isArray(rawRules)
      ? rawRules.flatMap((r) =>
          typeof r === "string"
            ? [{ text: r, hint: "" }]
            : r && typeof r.text === "string"
              ? [{ text: r.text, hint: typeof r.hint === "string" ? r.hint : "" }]
              : [],
        )
      : [],
    languages: Array.isArray(rawLanguages) ? rawLanguages.filter((l) => typeof l === "string") : ["en"],
    thumbnailUrl: str("site_thumbnail", "") || null,
    sourceUrl: str("source_url", "") || null,
    userCount: Number(users.n),
    statusCount: Number(statuses.n),
    domainCount: Number(domains.n),
    activeMonth: Number(active.n),
  };
}

export interface CredentialsView {
  account: AccountView;
  privacy: StatusRow["visibility"];
  sensitive: boolean;
  language: string | null;
  followRequestsCount: number;
}

/** The signed-in account with what only its owner sees (posting defaults, pending requests). */
export async function loadCredentials(ctx: Ctx, accountId: string): Promise<CredentialsView | null> {
  const [account, user, requests] = await Promise.all([
    loadAccounts(ctx, [accountId]),
    ctx.db.selectFrom("users").select("settings").where("account_id", "=", accountId).executeTakeFirst(),
    ctx.db
      .selectFrom("follow_requests")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("target_account_id", "=", accountId)
      .executeTakeFirstOrThrow(),
  ]);
  if (!account[0] || !user) return null;
  let settings: { default_visibility?: unknown; default_sensitive?: unknown; default_language?: unknown } = {};
  try {
    settings = JSON.parse(user.settings) ?? {};
  } catch {
    // Unreadable settings mean defaults.
  }
  const v = settings.default_visibility;
  return {
    account: account[0],
    privacy: v === "unlisted" || v === "private" || v === "direct" ? v : "public",
    sensitive: settings.default_sensitive === true,
    language: typeof settings.default_language === "string" ? settings.default_language : null,
    followRequestsCount: Number(requests.n),
  };
}
