import { sql } from "kysely";
import type { Ctx } from "./context.ts";
import { nowIso } from "./ids.ts";

/*
 * Follow suggestions, kept simple: the most followed discoverable local accounts the user does
 * not follow yet (nor asked to), has no block or mute with either way, and has not dismissed.
 * Mastodon also weighs past interactions and friends of friends; Weft does not yet.
 */

export async function suggestedAccountIds(ctx: Ctx, viewerId: string, limit: number): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .select("accounts.id")
    .where("accounts.domain", "is", null)
    .where("accounts.deleted_at", "is", null)
    .where("accounts.discoverable", "=", 1)
    .where("users.approved", "=", 1)
    .where("accounts.id", "!=", viewerId)
    .where((eb) =>
      eb.and([
        eb.not(eb.exists(eb.selectFrom("follows").select(sql`1`.as("x")).where("follows.account_id", "=", viewerId).whereRef("follows.target_account_id", "=", "accounts.id"))),
        eb.not(
          eb.exists(
            eb.selectFrom("follow_requests").select(sql`1`.as("x")).where("follow_requests.account_id", "=", viewerId).whereRef("follow_requests.target_account_id", "=", "accounts.id"),
          ),
        ),
        eb.not(
          eb.exists(
            eb
              .selectFrom("blocks")
              .select(sql`1`.as("x"))
              .where((b) =>
                b.or([
                  b.and([b("blocks.account_id", "=", viewerId), b("blocks.target_account_id", "=", b.ref("accounts.id"))]),
                  b.and([b("blocks.target_account_id", "=", viewerId), b("blocks.account_id", "=", b.ref("accounts.id"))]),
                ]),
              ),
          ),
        ),
        eb.not(eb.exists(eb.selectFrom("mutes").select(sql`1`.as("x")).where("mutes.account_id", "=", viewerId).whereRef("mutes.target_account_id", "=", "accounts.id"))),
        eb.not(
          eb.exists(
            eb
              .selectFrom("suggestion_dismissals")
              .select(sql`1`.as("x"))
              .where("suggestion_dismissals.account_id", "=", viewerId)
              .whereRef("suggestion_dismissals.target_account_id", "=", "accounts.id"),
          ),
        ),
      ]),
    )
    .orderBy("accounts.followers_count", "desc")
    .orderBy("accounts.statuses_count", "desc")
    .orderBy("accounts.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** "Don't suggest this account again" (DELETE /api/v1/suggestions/:account_id). */
export async function dismissSuggestion(ctx: Ctx, viewerId: string, targetId: string): Promise<void> {
  const target = await ctx.db.selectFrom("accounts").select("id").where("id", "=", targetId).executeTakeFirst();
  if (!target) return;
  await ctx.db
    .insertInto("suggestion_dismissals")
    .values({ account_id: viewerId, target_account_id: targetId, created_at: nowIso() })
    .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doNothing())
    .execute();
}
