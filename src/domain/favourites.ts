import { enqueueJob } from "../jobs/outbox.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { newId, nowIso } from "./ids.ts";
import { notify, withdrawNotifications } from "./notifications.ts";
import { inTx } from "./tx.ts";
import { canView } from "./visibility.ts";
import { localUrl } from "./uris.ts";

/**
 * Favourites from local and remote accounts. `uri` is the Like activity's id: ours for a local
 * favourite, the sender's for a remote one (so its Undo can find it).
 */
export async function favourite(
  ctx: Ctx,
  accountId: string,
  statusId: string,
  remote?: { uri: string },
): Promise<"created" | "exists"> {
  return inTx(ctx, async (tx, emit) => {
    const status = await tx.selectFrom("statuses").selectAll().where("id", "=", statusId).executeTakeFirst();
    if (!status || status.reblog_of_id || !(await canView(tx, status, accountId))) {
      throw new DomainError("not_found", "Record not found");
    }
    const id = newId();
    const uri = remote?.uri ?? localUrl(ctx.config, `/favourites/${id}`);
    const inserted = await tx
      .insertInto("favourites")
      .values({ id, account_id: accountId, status_id: statusId, uri, created_at: nowIso() })
      .onConflict((oc) => oc.columns(["account_id", "status_id"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return "exists";
    await tx
      .updateTable("statuses")
      .set((eb) => ({ favourites_count: eb("favourites_count", "+", 1) }))
      .where("id", "=", statusId)
      .execute();
    await notify(tx, { accountId: status.account_id, fromAccountId: accountId, type: "favourite", statusId, dedupeKey: `favourite:${statusId}:${accountId}` }, emit);
    if (!remote) {
      const liker = await tx.selectFrom("accounts").select(["federating"]).where("id", "=", accountId).executeTakeFirstOrThrow();
      if (liker.federating) await enqueueJob(tx, { kind: "deliver", activity: { type: "Like", accountId, statusId, uri } });
    }
    emit({ type: "status.updated", statusId, accountId: status.account_id, edited: false });
    return "created";
  });
}

export async function unfavourite(ctx: Ctx, accountId: string, statusId: string): Promise<"removed" | "absent"> {
  return inTx(ctx, async (tx) => {
    const fav = await tx
      .selectFrom("favourites")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("status_id", "=", statusId)
      .executeTakeFirst();
    if (!fav) return "absent";
    await tx.deleteFrom("favourites").where("id", "=", fav.id).execute();
    await tx
      .updateTable("statuses")
      .set((eb) => ({ favourites_count: eb("favourites_count", "-", 1) }))
      .where("id", "=", statusId)
      .where("favourites_count", ">", 0)
      .execute();
    await withdrawNotifications(tx, { statusId, fromAccountId: accountId, type: "favourite" });
    const liker = await tx.selectFrom("accounts").select(["domain", "federating"]).where("id", "=", accountId).executeTakeFirstOrThrow();
    if (liker.domain === null && liker.federating && fav.uri) {
      await enqueueJob(tx, { kind: "deliver", activity: { type: "UndoLike", accountId, statusId, uri: fav.uri } });
    }
    return "removed";
  });
}

/** Undo(Like) from a remote server: only the account that liked can take it back. */
export async function unfavouriteByUri(ctx: Ctx, accountId: string, likeUri: string): Promise<"removed" | "absent"> {
  const fav = await ctx.db
    .selectFrom("favourites")
    .select(["status_id", "account_id"])
    .where("uri", "=", likeUri)
    .executeTakeFirst();
  if (!fav || fav.account_id !== accountId) return "absent";
  return unfavourite(ctx, accountId, fav.status_id);
}
