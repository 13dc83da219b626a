import { sql, type ExpressionBuilder, type Expression, type SqlBool } from "kysely";
import type { Database } from "../db/schema.ts";
import type { Db, Tx } from "../db/index.ts";

export type Visibility = "public" | "unlisted" | "private" | "direct";
export const VISIBILITIES: readonly Visibility[] = ["public", "unlisted", "private", "direct"];

/**
 * Who may see a status, as Mastodon decides it: public and unlisted to anyone; private to the
 * author, followers and mentioned accounts; direct to the author and mentioned accounts.
 * Usable inside any query that has `statuses` in scope.
 */
export function visibleTo(
  eb: ExpressionBuilder<Database, "statuses">,
  viewerId: string | null,
): Expression<SqlBool> {
  const open = eb("statuses.visibility", "in", ["public", "unlisted"]);
  if (!viewerId) return open;
  return eb.or([
    open,
    eb("statuses.account_id", "=", viewerId),
    eb.exists(
      eb
        .selectFrom("mentions")
        .select(sql`1`.as("one"))
        .whereRef("mentions.status_id", "=", "statuses.id")
        .where("mentions.account_id", "=", viewerId),
    ),
    eb.and([
      eb("statuses.visibility", "=", "private"),
      eb.exists(
        eb
          .selectFrom("follows")
          .select(sql`1`.as("one"))
          .whereRef("follows.target_account_id", "=", "statuses.account_id")
          .where("follows.account_id", "=", viewerId),
      ),
    ]),
  ]);
}

/** Single-status check, for endpoints that load one status by id. */
export async function canView(
  db: Db | Tx,
  status: { id: string; account_id: string; visibility: string; deleted_at: string | null },
  viewerId: string | null,
): Promise<boolean> {
  if (status.deleted_at) return false;
  if (status.visibility === "public" || status.visibility === "unlisted") return true;
  if (!viewerId) return false;
  if (status.account_id === viewerId) return true;
  const mentioned = await db
    .selectFrom("mentions")
    .select("status_id")
    .where("status_id", "=", status.id)
    .where("account_id", "=", viewerId)
    .executeTakeFirst();
  if (mentioned) return true;
  if (status.visibility !== "private") return false;
  const follows = await db
    .selectFrom("follows")
    .select("id")
    .where("account_id", "=", viewerId)
    .where("target_account_id", "=", status.account_id)
    .executeTakeFirst();
  return !!follows;
}
