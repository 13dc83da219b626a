import { sql, type Selectable } from "kysely";
import type { ListTable } from "../db/schema.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { newId, nowIso } from "./ids.ts";
import { applyPage, pageResult, type Page } from "./pagination.ts";
import { visibleTo } from "./visibility.ts";

/*
 * Lists: a user's own groupings of accounts they follow, each with a timeline of its members'
 * posts. Membership rides on the follow (list_accounts.follow_id cascades), so unfollowing
 * someone takes them out of every list, as on Mastodon. The timeline is read on demand.
 */

export type List = Selectable<ListTable>;
export type RepliesPolicy = "followed" | "list" | "none";
export const REPLIES_POLICIES: readonly RepliesPolicy[] = ["followed", "list", "none"];
export const MAX_LISTS = 50;
const MAX_TITLE = 100;

export interface ListInput {
  title?: string;
  repliesPolicy?: string;
  exclusive?: boolean;
}

const invalid = (msg: string) => new DomainError("invalid", msg);
const notFound = () => new DomainError("not_found", "Record not found");

function checkInput(input: ListInput, creating: boolean): void {
  if (creating || input.title !== undefined) {
    const title = input.title?.trim() ?? "";
    if (!title) throw invalid("Title can't be blank");
    if ([...title].length > MAX_TITLE) throw invalid(`Title is too long (maximum is ${MAX_TITLE} characters)`);
  }
  if (input.repliesPolicy !== undefined && !(REPLIES_POLICIES as readonly string[]).includes(input.repliesPolicy)) {
    throw invalid("Replies policy is not included in the list");
  }
}

export async function listsOf(ctx: Ctx, ownerId: string): Promise<List[]> {
  return ctx.db.selectFrom("lists").selectAll().where("account_id", "=", ownerId).orderBy("id").execute();
}

/** One of the owner's lists; anyone else's does not exist for them. */
export async function getList(ctx: Ctx, ownerId: string, id: string): Promise<List> {
  const row = await ctx.db.selectFrom("lists").selectAll().where("id", "=", id).where("account_id", "=", ownerId).executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function createList(ctx: Ctx, ownerId: string, input: ListInput): Promise<List> {
  checkInput(input, true);
  const count = await ctx.db
    .selectFrom("lists")
    .select((eb) => eb.fn.countAll<string | number>().as("n"))
    .where("account_id", "=", ownerId)
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= MAX_LISTS) throw invalid("You have reached the maximum number of lists");
  const now = nowIso();
  const row: List = {
    id: newId(),
    account_id: ownerId,
    title: input.title!.trim(),
    replies_policy: input.repliesPolicy ?? "list",
    exclusive: input.exclusive ? 1 : 0,
    created_at: now,
    updated_at: now,
  };
  await ctx.db.insertInto("lists").values(row).execute();
  return row;
}

export async function updateList(ctx: Ctx, ownerId: string, id: string, input: ListInput): Promise<List> {
  const list = await getList(ctx, ownerId, id);
  checkInput(input, false);
  const change: Partial<List> = {};
  if (input.title !== undefined) change.title = input.title.trim();
  if (input.repliesPolicy !== undefined) change.replies_policy = input.repliesPolicy;
  if (input.exclusive !== undefined) change.exclusive = input.exclusive ? 1 : 0;
  if (!Object.keys(change).length) return list;
  change.updated_at = nowIso();
  await ctx.db.updateTable("lists").set(change).where("id", "=", id).execute();
  return { ...list, ...change };
}

export async function deleteList(ctx: Ctx, ownerId: string, id: string): Promise<void> {
  await getList(ctx, ownerId, id);
  await ctx.db.deleteFrom("lists").where("id", "=", id).execute();
}

export interface MemberPage {
  accountIds: string[];
  /** list_accounts ids, for the Link header */
  keys: string[];
}

/** Members, newest first; `page` null gives them all. */
export async function listMembers(ctx: Ctx, ownerId: string, listId: string, page: Page | null): Promise<MemberPage> {
  await getList(ctx, ownerId, listId);
  let q = ctx.db
    .selectFrom("list_accounts")
    .innerJoin("accounts", "accounts.id", "list_accounts.account_id")
    .select(["list_accounts.id as id", "list_accounts.account_id as account_id"])
    .where("list_accounts.list_id", "=", listId)
    .where("accounts.deleted_at", "is", null);
  let rows;
  if (page) {
    q = applyPage(q, "list_accounts.id", page);
    rows = pageResult(await q.execute(), page);
  } else {
    rows = await q.orderBy("list_accounts.id", "desc").execute();
  }
  return { accountIds: rows.map((r) => r.account_id), keys: rows.map((r) => r.id) };
}

/** Adds accounts the owner follows; all or nothing. */
export async function addListMembers(ctx: Ctx, ownerId: string, listId: string, accountIds: string[]): Promise<void> {
  await getList(ctx, ownerId, listId);
  const wanted = [...new Set(accountIds)];
  if (!wanted.length) return;
  await ctx.db.transaction().execute(async (tx) => {
    const follows = await tx
      .selectFrom("follows")
      .select(["id", "target_account_id"])
      .where("account_id", "=", ownerId)
      .where("target_account_id", "in", wanted)
      .execute();
    const followId = new Map(follows.map((f) => [f.target_account_id, f.id]));
    const known = await tx.selectFrom("accounts").select("id").where("id", "in", wanted).where("deleted_at", "is", null).execute();
    if (known.length !== wanted.length) throw notFound();
    if (wanted.some((id) => !followId.has(id))) throw invalid("Account follow relationship missing");
    const present = await tx
      .selectFrom("list_accounts")
      .select("account_id")
      .where("list_id", "=", listId)
      .where("account_id", "in", wanted)
      .executeTakeFirst();
    if (present) throw invalid("Account has already been taken");
    const now = nowIso();
    await tx
      .insertInto("list_accounts")
      .values(wanted.map((id) => ({ id: newId(), list_id: listId, account_id: id, follow_id: followId.get(id)!, created_at: now })))
      .execute();
  });
}

export async function removeListMembers(ctx: Ctx, ownerId: string, listId: string, accountIds: string[]): Promise<void> {
  await getList(ctx, ownerId, listId);
  if (!accountIds.length) return;
  await ctx.db.deleteFrom("list_accounts").where("list_id", "=", listId).where("account_id", "in", accountIds).execute();
}

/** The owner's lists that hold `accountId`. */
export async function listsContaining(ctx: Ctx, ownerId: string, accountId: string): Promise<List[]> {
  return ctx.db
    .selectFrom("lists")
    .innerJoin("list_accounts", "list_accounts.list_id", "lists.id")
    .selectAll("lists")
    .where("lists.account_id", "=", ownerId)
    .where("list_accounts.account_id", "=", accountId)
    .orderBy("lists.id")
    .execute();
}

/**
 * The list's timeline: posts and boosts by its members that the owner may see, newest first.
 * Replies to others follow the list's replies policy: "list" shows replies to members, "followed"
 * replies to anyone the owner follows, "none" only self-replies and replies to the owner.
 */
export async function listTimeline(ctx: Ctx, ownerId: string, listId: string, page: Page): Promise<string[]> {
  const list = await getList(ctx, ownerId, listId);
  let q = ctx.db
    .selectFrom("statuses")
    .select("statuses.id")
    .where("statuses.account_id", "in", (eb) => eb.selectFrom("list_accounts").select("list_accounts.account_id").where("list_accounts.list_id", "=", listId))
    .where("statuses.deleted_at", "is", null)
    .where((eb) => visibleTo(eb, ownerId));
  q = q.where((eb) => {
    const allowed = [
      eb("statuses.in_reply_to_account_id", "is", null),
      eb("statuses.in_reply_to_account_id", "=", eb.ref("statuses.account_id")),
      eb("statuses.in_reply_to_account_id", "=", ownerId),
    ];
    if (list.replies_policy === "list") {
      allowed.push(
        eb.exists(
          eb
            .selectFrom("list_accounts as replied")
            .select(sql`1`.as("x"))
            .where("replied.list_id", "=", listId)
            .whereRef("replied.account_id", "=", "statuses.in_reply_to_account_id"),
        ),
      );
    } else if (list.replies_policy === "followed") {
      allowed.push(
        eb.exists(
          eb
            .selectFrom("follows as f")
            .select(sql`1`.as("x"))
            .where("f.account_id", "=", ownerId)
            .whereRef("f.target_account_id", "=", "statuses.in_reply_to_account_id"),
        ),
      );
    }
    return eb.or(allowed);
  });
  return pageResult(await applyPage(q, "statuses.id", page).execute(), page).map((r) => r.id);
}
