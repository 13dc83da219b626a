import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { newId, nowIso } from "./ids.ts";
import { applyPage, pageResult, type Page } from "./pagination.ts";
import type { KeyedPage } from "./relation-lists.ts";

/*
 * Endorsements (Mastodon's account pins, "feature on profile"): accounts a user follows and
 * recommends on their profile.
 */

export const MAX_ENDORSEMENTS = 50;

export async function endorse(ctx: Ctx, accountId: string, targetId: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const follows = await tx
      .selectFrom("follows")
      .select("id")
      .where("account_id", "=", accountId)
      .where("target_account_id", "=", targetId)
      .executeTakeFirst();
    if (!follows) throw new DomainError("invalid", "You must be already following the person you want to endorse");
    const count = await tx
      .selectFrom("endorsements")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("account_id", "=", accountId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_ENDORSEMENTS) throw new DomainError("invalid", "You have reached the maximum number of endorsed accounts");
    await tx
      .insertInto("endorsements")
      .values({ id: newId(), account_id: accountId, target_account_id: targetId, created_at: nowIso() })
      .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doNothing())
      .execute();
  });
}

export async function unendorse(ctx: Ctx, accountId: string, targetId: string): Promise<void> {
  await ctx.db.deleteFrom("endorsements").where("account_id", "=", accountId).where("target_account_id", "=", targetId).execute();
}

/** Accounts `accountId` endorses that still exist, newest endorsement first. */
export async function endorsementsOf(ctx: Ctx, accountId: string, page: Page): Promise<KeyedPage> {
  const q = ctx.db
    .selectFrom("endorsements")
    .innerJoin("accounts", "accounts.id", "endorsements.target_account_id")
    .select(["endorsements.id as key", "endorsements.target_account_id as id"])
    .where("endorsements.account_id", "=", accountId)
    .where("accounts.deleted_at", "is", null);
  const rows = pageResult(await applyPage(q, "endorsements.id", page).execute(), page);
  return { ids: rows.map((r) => r.id), keys: rows.map((r) => r.key) };
}
