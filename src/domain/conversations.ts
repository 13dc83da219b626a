import { sql, type ExpressionBuilder } from "kysely";
import type { Database } from "../db/schema.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { normaliseId, nowIso } from "./ids.ts";
import type { Page } from "./pagination.ts";

/*
 * Direct conversations (Mastodon's /api/v1/conversations): the direct statuses a user wrote or
 * was mentioned in, grouped by thread (statuses.conversation_id). Nothing is copied per user;
 * only what the user did to a conversation is stored: read up to which status, removed up to
 * which (a newer status brings a removed conversation back, as on Mastodon).
 */

export interface ConversationView {
  /** the thread's conversation_id */
  id: string;
  lastStatusId: string;
  /** everyone in the last status but the viewer */
  participantIds: string[];
  unread: boolean;
}

type Eb = ExpressionBuilder<Database, "statuses">;

function involving(eb: Eb, viewerId: string) {
  return eb.or([
    eb("statuses.account_id", "=", viewerId),
    eb.exists(
      eb.selectFrom("mentions").select(sql`1`.as("x")).whereRef("mentions.status_id", "=", "statuses.id").where("mentions.account_id", "=", viewerId),
    ),
  ]);
}

async function build(ctx: Ctx, viewerId: string, rows: Array<{ id: string; last_id: string }>): Promise<ConversationView[]> {
  if (!rows.length) return [];
  const lastIds = rows.map((r) => r.last_id);
  const [statuses, mentions, marks] = await Promise.all([
    ctx.db.selectFrom("statuses").select(["id", "account_id"]).where("id", "in", lastIds).execute(),
    ctx.db.selectFrom("mentions").select(["status_id", "account_id"]).where("status_id", "in", lastIds).execute(),
    ctx.db
      .selectFrom("conversation_marks")
      .selectAll()
      .where("account_id", "=", viewerId)
      .where("conversation_id", "in", rows.map((r) => r.id))
      .execute(),
  ]);
  const authorOf = new Map(statuses.map((s) => [s.id, s.account_id]));
  const markOf = new Map(marks.map((m) => [m.conversation_id, m]));
  return rows.map((r) => {
    const author = authorOf.get(r.last_id) ?? "";
    const people = new Set([author, ...mentions.filter((m) => m.status_id === r.last_id).map((m) => m.account_id)]);
    people.delete(viewerId);
    people.delete("");
    const readUpTo = markOf.get(r.id)?.read_up_to ?? null;
    return {
      id: r.id,
      lastStatusId: r.last_id,
      participantIds: [...people],
      unread: author !== viewerId && (readUpTo === null || r.last_id > readUpTo),
    };
  });
}

function baseQuery(ctx: Ctx, viewerId: string) {
  return ctx.db
    .selectFrom("statuses")
    .leftJoin("conversation_marks as m", (j) =>
      j.onRef("m.conversation_id", "=", "statuses.conversation_id").on("m.account_id", "=", viewerId),
    )
    .select(["statuses.conversation_id as id", sql<string>`max(statuses.id)`.as("last_id")])
    .where("statuses.visibility", "=", "direct")
    .where("statuses.deleted_at", "is", null)
    .where("statuses.conversation_id", "is not", null)
    .where((eb) => involving(eb, viewerId))
    .where((eb) => eb.or([eb("m.removed_up_to", "is", null), eb("statuses.id", ">", eb.ref("m.removed_up_to"))]))
    .groupBy("statuses.conversation_id");
}

/** The viewer's conversations, most recently active first, paged by their last status id. */
export async function conversationsOf(ctx: Ctx, viewerId: string, page: Page): Promise<ConversationView[]> {
  let q = baseQuery(ctx, viewerId);
  const max = sql<string>`max(statuses.id)`;
  if (page.maxId) q = q.having(max, "<", normaliseId(page.maxId));
  if (page.sinceId) q = q.having(max, ">", normaliseId(page.sinceId));
  if (page.minId) q = q.having(max, ">", normaliseId(page.minId));
  const rows = (await q.orderBy(max, page.minId ? "asc" : "desc").limit(page.limit).execute()) as Array<{ id: string; last_id: string }>;
  if (page.minId) rows.reverse();
  return build(ctx, viewerId, rows);
}

export async function getConversation(ctx: Ctx, viewerId: string, id: string): Promise<ConversationView> {
  const rows = (await baseQuery(ctx, viewerId).where("statuses.conversation_id", "=", id).execute()) as Array<{ id: string; last_id: string }>;
  if (!rows.length) throw new DomainError("not_found", "Record not found");
  return (await build(ctx, viewerId, rows))[0];
}

async function mark(ctx: Ctx, viewerId: string, id: string, set: { read_up_to?: string; removed_up_to?: string }): Promise<void> {
  const now = nowIso();
  await ctx.db
    .insertInto("conversation_marks")
    .values({ account_id: viewerId, conversation_id: id, read_up_to: set.read_up_to ?? null, removed_up_to: set.removed_up_to ?? null, updated_at: now })
    .onConflict((oc) => oc.columns(["account_id", "conversation_id"]).doUpdateSet({ ...set, updated_at: now }))
    .execute();
}

export async function markConversationRead(ctx: Ctx, viewerId: string, id: string): Promise<ConversationView> {
  const conv = await getConversation(ctx, viewerId, id);
  await mark(ctx, viewerId, id, { read_up_to: conv.lastStatusId });
  return { ...conv, unread: false };
}

/** Hides the conversation until someone writes in it again. */
export async function removeConversation(ctx: Ctx, viewerId: string, id: string): Promise<void> {
  const conv = await getConversation(ctx, viewerId, id);
  await mark(ctx, viewerId, id, { removed_up_to: conv.lastStatusId, read_up_to: conv.lastStatusId });
}
