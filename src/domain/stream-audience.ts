import type { Ctx } from "./context.ts";
import type { StatusView, ViewerFlags } from "./hydrate.ts";
import type { Visibility } from "./visibility.ts";

/*
 * What the streaming API asks of the database when an event arrives: who among the viewers
 * connected to this process should see it, and how each of them sees it. Every query here takes
 * the connected viewers as a list, so its cost follows the number of interested connections,
 * not the number of followers or users.
 */

/** Enough to keep SQLite's and PostgreSQL's parameter limits far away. */
const CHUNK = 500;

async function chunked<T>(ids: readonly string[], run: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const unique = [...new Set(ids)];
  const out: T[] = [];
  for (let i = 0; i < unique.length; i += CHUNK) out.push(...(await run(unique.slice(i, i + CHUNK))));
  return out;
}

/** Where a status may be streamed to. Also read for deleted statuses (their row stays). */
export interface StatusFacts {
  id: string;
  accountId: string;
  visibility: Visibility;
  local: boolean;
  reblogOfId: string | null;
  /** a reply to someone else's post: kept out of the public streams, as on Mastodon */
  replyToOther: boolean;
  inReplyToAccountId: string | null;
  /** the author's server, null when local */
  authorDomain: string | null;
  edited: boolean;
  deleted: boolean;
  conversationId: string;
  pollId: string | null;
  /** normalised names */
  tags: string[];
  hasMedia: boolean;
  mentionedIds: string[];
}

export async function statusFacts(ctx: Ctx, statusId: string): Promise<StatusFacts | null> {
  const row = await ctx.db.selectFrom("statuses").selectAll().where("id", "=", statusId).executeTakeFirst();
  if (!row) return null;
  const [tags, media, mentions, author] = await Promise.all([
    ctx.db
      .selectFrom("status_tags")
      .innerJoin("tags", "tags.id", "status_tags.tag_id")
      .select("tags.name")
      .where("status_tags.status_id", "=", statusId)
      .execute(),
    ctx.db.selectFrom("media_attachments").select("id").where("status_id", "=", statusId).limit(1).execute(),
    ctx.db.selectFrom("mentions").select("account_id").where("status_id", "=", statusId).execute(),
    ctx.db.selectFrom("accounts").select("domain").where("id", "=", row.account_id).executeTakeFirst(),
  ]);
  return {
    id: row.id,
    accountId: row.account_id,
    visibility: row.visibility,
    local: row.local === 1,
    reblogOfId: row.reblog_of_id,
    replyToOther: row.in_reply_to_id != null && row.in_reply_to_account_id !== row.account_id,
    inReplyToAccountId: row.in_reply_to_account_id,
    authorDomain: author?.domain ?? null,
    edited: row.edited_at != null,
    deleted: row.deleted_at != null,
    conversationId: row.conversation_id ?? row.id,
    pollId: row.poll_id,
    tags: tags.map((t) => t.name),
    hasMedia: media.length > 0,
    mentionedIds: mentions.map((m) => m.account_id),
  };
}

/**
 * Of `viewerIds`, those who must not be shown a post by `authorId` that mentions `mentionedIds`:
 * they block or mute the author or someone mentioned, block the author's server, or the author
 * blocks them. The same rule Mastodon's streaming server applies to public and hashtag streams.
 */
export async function silencedViewers(
  ctx: Ctx,
  viewerIds: readonly string[],
  post: { authorId: string; authorDomain: string | null; mentionedIds: readonly string[] },
): Promise<Set<string>> {
  const { authorId, authorDomain, mentionedIds } = post;
  const targets = [...new Set([authorId, ...mentionedIds])];
  const now = new Date().toISOString();
  const rows = await chunked(viewerIds, (chunk) => {
    const q = ctx.db
      .selectFrom("blocks")
      .select("account_id as viewer")
      .where("account_id", "in", chunk)
      .where("target_account_id", "in", targets)
      .union(
        ctx.db
          .selectFrom("blocks")
          .select("target_account_id as viewer")
          .where("account_id", "=", authorId)
          .where("target_account_id", "in", chunk),
      )
      .union(
        ctx.db
          .selectFrom("mutes")
          .select("account_id as viewer")
          .where("account_id", "in", chunk)
          .where("target_account_id", "in", targets)
          .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)])),
      );
    return authorDomain
      ? q
          .union(
            ctx.db
              .selectFrom("domain_blocks")
              .select("account_id as viewer")
              .where("account_id", "in", chunk)
              .where("domain", "=", authorDomain.toLowerCase()),
          )
          .execute()
      : q.execute();
  });
  return new Set(rows.map((r) => r.viewer));
}

/** What each viewer has done to one (original) status. */
export interface ViewerState {
  favourited: Set<string>;
  reblogged: Set<string>;
  bookmarked: Set<string>;
  /** poll choices by viewer, in order */
  votes: Map<string, number[]>;
}

export async function viewerStates(
  ctx: Ctx,
  statusId: string,
  pollId: string | null,
  viewerIds: readonly string[],
): Promise<ViewerState> {
  const state: ViewerState = { favourited: new Set(), reblogged: new Set(), bookmarked: new Set(), votes: new Map() };
  await chunked(viewerIds, async (chunk) => {
    const [favs, boosts, marks, votes] = await Promise.all([
      ctx.db.selectFrom("favourites").select("account_id").where("status_id", "=", statusId).where("account_id", "in", chunk).execute(),
      ctx.db
        .selectFrom("statuses")
        .select("account_id")
        .where("reblog_of_id", "=", statusId)
        .where("deleted_at", "is", null)
        .where("account_id", "in", chunk)
        .execute(),
      ctx.db.selectFrom("bookmarks").select("account_id").where("status_id", "=", statusId).where("account_id", "in", chunk).execute(),
      pollId
        ? ctx.db
            .selectFrom("poll_votes")
            .select(["account_id", "choice"])
            .where("poll_id", "=", pollId)
            .where("account_id", "in", chunk)
            .orderBy("choice")
            .execute()
        : [],
    ]);
    for (const r of favs) state.favourited.add(r.account_id);
    for (const r of boosts) state.reblogged.add(r.account_id);
    for (const r of marks) state.bookmarked.add(r.account_id);
    for (const v of votes) state.votes.set(v.account_id, [...(state.votes.get(v.account_id) ?? []), v.choice]);
    return [];
  });
  return state;
}

/**
 * A status hydrated for nobody (`loadStatuses(…, null)`), as `viewerId` sees it: the same
 * per-viewer fields hydrate.ts fills in (flags of the original for a boost, pinned only on the
 * viewer's own public or unlisted posts, own poll votes), without loading the status again.
 */
export function viewAs(view: StatusView, viewerId: string, state: ViewerState): StatusView {
  const patch = (v: StatusView, isBoost: boolean): StatusView => {
    const s = v.status;
    const flags: ViewerFlags = {
      favourited: state.favourited.has(viewerId),
      reblogged: state.reblogged.has(viewerId),
      bookmarked: state.bookmarked.has(viewerId),
      muted: false,
      // No pin storage yet (as in hydrate.ts): one's own pinnable posts show as unpinned.
      pinned: s.account_id === viewerId && !isBoost && (s.visibility === "public" || s.visibility === "unlisted") ? false : null,
    };
    const poll = v.poll
      ? (() => {
          const ownVotes = state.votes.get(viewerId) ?? [];
          return { ...v.poll, ownVotes, voted: ownVotes.length > 0 || v.poll.poll.account_id === viewerId };
        })()
      : null;
    return { ...v, viewer: flags, poll, reblog: v.reblog ? patch(v.reblog, false) : null };
  };
  return patch(view, view.reblog != null);
}

/** Of `accountIds`, those with `statusId` in their home feed. */
export async function homeHolders(ctx: Ctx, statusId: string, accountIds: readonly string[]): Promise<string[]> {
  const rows = await chunked(accountIds, (chunk) =>
    ctx.db.selectFrom("home_feed").select("account_id").where("status_id", "=", statusId).where("account_id", "in", chunk).execute(),
  );
  return rows.map((r) => r.account_id);
}

/** Of `accountIds`, those following `authorId`. */
export async function followersAmong(ctx: Ctx, authorId: string, accountIds: readonly string[]): Promise<string[]> {
  const rows = await chunked(accountIds, (chunk) =>
    ctx.db.selectFrom("follows").select("account_id").where("target_account_id", "=", authorId).where("account_id", "in", chunk).execute(),
  );
  return rows.map((r) => r.account_id);
}

/** Of `accountIds`, those with any keyword filter at all (most have none: they skip filter matching). */
export async function accountsWithFilters(ctx: Ctx, accountIds: readonly string[]): Promise<Set<string>> {
  const rows = await chunked(accountIds, (chunk) =>
    ctx.db.selectFrom("filters").select("account_id").distinct().where("account_id", "in", chunk).execute(),
  );
  return new Set(rows.map((r) => r.account_id));
}

/** Of `tokenIds`, those still valid: not revoked, and their account not deleted. */
export async function activeTokenIds(ctx: Ctx, tokenIds: readonly string[]): Promise<Set<string>> {
  const rows = await chunked(tokenIds, (chunk) =>
    ctx.db
      .selectFrom("oauth_tokens")
      .leftJoin("accounts", "accounts.id", "oauth_tokens.account_id")
      .select("oauth_tokens.id")
      .where("oauth_tokens.id", "in", chunk)
      .where("oauth_tokens.revoked_at", "is", null)
      .where((eb) => eb.or([eb("oauth_tokens.account_id", "is", null), eb("accounts.deleted_at", "is", null)]))
      .execute(),
  );
  return new Set(rows.map((r) => r.id));
}

export async function ownsList(ctx: Ctx, accountId: string, listId: string): Promise<boolean> {
  const row = await ctx.db.selectFrom("lists").select("id").where("id", "=", listId).where("account_id", "=", accountId).executeTakeFirst();
  return !!row;
}

/**
 * Of `listIds`, those a status enters, as Mastodon's list feeds take it: the author is a member,
 * a reply to someone else passes the list's replies policy ("list": to another member;
 * "followed": to someone the owner follows; "none": never), and the owner may see the status.
 */
export async function listsReached(ctx: Ctx, facts: StatusFacts, listIds: readonly string[]): Promise<string[]> {
  const lists = await chunked(listIds, (chunk) =>
    ctx.db
      .selectFrom("lists")
      .innerJoin("list_accounts", "list_accounts.list_id", "lists.id")
      .select(["lists.id", "lists.account_id as owner", "lists.replies_policy"])
      .where("lists.id", "in", chunk)
      .where("list_accounts.account_id", "=", facts.accountId)
      .execute(),
  );
  if (!lists.length) return [];
  const owners = [...new Set(lists.map((l) => l.owner))];
  const other = facts.replyToOther && !facts.reblogOfId ? facts.inReplyToAccountId : null;
  const [followsAuthor, followsOther, otherIsMember] = await Promise.all([
    ctx.db.selectFrom("follows").select("account_id").where("account_id", "in", owners).where("target_account_id", "=", facts.accountId).execute(),
    other
      ? ctx.db.selectFrom("follows").select("account_id").where("account_id", "in", owners).where("target_account_id", "=", other).execute()
      : [],
    other
      ? ctx.db.selectFrom("list_accounts").select("list_id").where("list_id", "in", lists.map((l) => l.id)).where("account_id", "=", other).execute()
      : [],
  ]);
  const followerSet = new Set(followsAuthor.map((r) => r.account_id));
  const otherFollowers = new Set(followsOther.map((r) => r.account_id));
  const memberLists = new Set(otherIsMember.map((r) => r.list_id));
  const mentioned = new Set(facts.mentionedIds);
  return lists
    .filter((l) => {
      if (other) {
        if (l.replies_policy === "none") return false;
        if (l.replies_policy === "list" && !memberLists.has(l.id)) return false;
        if (l.replies_policy === "followed" && other !== l.owner && !otherFollowers.has(l.owner)) return false;
      }
      if (l.owner === facts.accountId || mentioned.has(l.owner)) return true;
      if (facts.visibility === "public" || facts.visibility === "unlisted") return true;
      return facts.visibility === "private" && followerSet.has(l.owner);
    })
    .map((l) => l.id);
}

/** Of `listIds`, those with `authorId` as a member. */
export async function listsWithMember(ctx: Ctx, authorId: string, listIds: readonly string[]): Promise<string[]> {
  const rows = await chunked(listIds, (chunk) =>
    ctx.db.selectFrom("list_accounts").select("list_id").where("list_id", "in", chunk).where("account_id", "=", authorId).execute(),
  );
  return [...new Set(rows.map((r) => r.list_id))];
}
