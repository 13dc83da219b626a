import type { Ctx } from "./context.ts";
import { nowIso } from "./ids.ts";
import { enqueueJob } from "../jobs/outbox.ts";

/**
 * Deleting a local account keeps its row as a tombstone (so its URI is never reused and
 * remote Deletes can be answered), removes its content and tells every server that knew it.
 */
export async function deleteLocalAccount(ctx: Ctx, accountId: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const account = await tx.selectFrom("accounts").selectAll().where("id", "=", accountId).executeTakeFirstOrThrow();
    const inboxes = await tx
      .selectFrom("follows")
      .innerJoin("accounts", "accounts.id", "follows.account_id")
      .select((eb) => eb.fn.coalesce("accounts.shared_inbox_url", "accounts.inbox_url").as("inbox"))
      .where("follows.target_account_id", "=", accountId)
      .where("accounts.domain", "is not", null)
      .distinct()
      .execute();
    await enqueueJob(tx, {
      kind: "deliver",
      activity: {
        type: "DeleteActor",
        accountId,
        uri: account.uri,
        inboxes: inboxes.map((r) => r.inbox).filter((x): x is string => !!x),
      },
    });
    await tx.deleteFrom("statuses").where("account_id", "=", accountId).execute();
    await tx.deleteFrom("follows").where((eb) => eb.or([eb("account_id", "=", accountId), eb("target_account_id", "=", accountId)])).execute();
    await tx.deleteFrom("follow_requests").where((eb) => eb.or([eb("account_id", "=", accountId), eb("target_account_id", "=", accountId)])).execute();
    await tx.deleteFrom("oauth_tokens").where("account_id", "=", accountId).execute();
    await tx.deleteFrom("home_feed").where("account_id", "=", accountId).execute();
    await tx
      .updateTable("accounts")
      .set({ deleted_at: nowIso(), display_name: "", note: "", fields: "[]", avatar_url: null, header_url: null })
      .where("id", "=", accountId)
      .execute();
  });
}
