import { enqueueJob } from "../jobs/outbox.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { newId, nowIso } from "./ids.ts";
import { notify } from "./notifications.ts";
import type { Status } from "./statuses.ts";
import { deleteStatus } from "./statuses.ts";
import { inTx } from "./tx.ts";
import { canView, type Visibility } from "./visibility.ts";
import { localUrl, paths } from "./uris.ts";

/**
 * A boost is a status row pointing at the original (reblog_of_id), as in Mastodon, so it sorts
 * and pages in timelines like any post. Remote boosts keep the Announce's id as their URI.
 */
export async function reblog(
  ctx: Ctx,
  accountId: string,
  statusId: string,
  options: { visibility?: Visibility; remote?: { uri: string; published: Date } } = {},
): Promise<Status> {
  return inTx(ctx, async (tx, emit) => {
    const original = await tx.selectFrom("statuses").selectAll().where("id", "=", statusId).executeTakeFirst();
    if (!original || original.reblog_of_id || !(await canView(tx, original, accountId))) {
      throw new DomainError("not_found", "Record not found");
    }
    const selfPrivate = original.visibility === "private" && original.account_id === accountId;
    if ((original.visibility === "private" && !selfPrivate) || original.visibility === "direct") {
      throw new DomainError("forbidden", "This action is not allowed");
    }
    const existing = await tx
      .selectFrom("statuses")
      .selectAll()
      .where("reblog_of_id", "=", statusId)
      .where("account_id", "=", accountId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (existing) return existing;
    if (options.remote) {
      const seen = await tx.selectFrom("statuses").selectAll().where("uri", "=", options.remote.uri).executeTakeFirst();
      if (seen) return seen;
    }
    const booster = await tx.selectFrom("accounts").selectAll().where("id", "=", accountId).executeTakeFirstOrThrow();
    const at = options.remote ? new Date(Math.min(options.remote.published.getTime() || Date.now(), Date.now())) : new Date();
    const id = newId(at);
    const visibility: Visibility = selfPrivate ? "private" : options.visibility === "unlisted" || options.visibility === "private" ? options.visibility : "public";
    const row: Status = {
      id,
      uri: options.remote?.uri ?? localUrl(ctx.config, `${paths.status(booster.username, id)}/activity`),
      url: null,
      account_id: accountId,
      local: options.remote ? 0 : 1,
      in_reply_to_id: null,
      in_reply_to_account_id: null,
      in_reply_to_uri: null,
      reblog_of_id: statusId,
      conversation_id: null,
      text: null,
      content: "",
      spoiler_text: "",
      sensitive: 0,
      visibility,
      language: null,
      application_id: null,
      poll_id: null,
      replies_count: 0,
      reblogs_count: 0,
      favourites_count: 0,
      created_at: at.toISOString(),
      edited_at: null,
      deleted_at: null,
    };
    await tx.insertInto("statuses").values(row).execute();
    await tx
      .updateTable("statuses")
      .set((eb) => ({ reblogs_count: eb("reblogs_count", "+", 1) }))
      .where("id", "=", statusId)
      .execute();
    await notify(tx, { accountId: original.account_id, fromAccountId: accountId, type: "reblog", statusId, dedupeKey: `reblog:${statusId}:${accountId}` }, emit);
    if (!options.remote) {
      await tx
        .insertInto("home_feed")
        .values({ account_id: accountId, status_id: id, author_id: accountId, created_at: nowIso() })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await enqueueJob(tx, { kind: "fanout.status", statusId: id });
    if (!options.remote && booster.federating) {
      await enqueueJob(tx, { kind: "deliver", activity: { type: "Announce", reblogId: id } });
    }
    emit({ type: "status.created", statusId: id, accountId });
    return row;
  });
}

/** Takes a boost back; Undo(Announce) is delivered by deleteStatus for local boosts. */
export async function unreblog(ctx: Ctx, accountId: string, statusId: string): Promise<"removed" | "absent"> {
  const boost = await ctx.db
    .selectFrom("statuses")
    .select("id")
    .where("reblog_of_id", "=", statusId)
    .where("account_id", "=", accountId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!boost) return "absent";
  await deleteStatus(ctx, boost.id, accountId);
  return "removed";
}

/** Undo(Announce) from a remote server, found by the Announce's id. */
export async function unreblogByUri(ctx: Ctx, accountId: string, announceUri: string): Promise<"removed" | "absent"> {
  const boost = await ctx.db
    .selectFrom("statuses")
    .select(["id", "account_id", "reblog_of_id"])
    .where("uri", "=", announceUri)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!boost || !boost.reblog_of_id || boost.account_id !== accountId) return "absent";
  await deleteStatus(ctx, boost.id, accountId);
  return "removed";
}
