import type { Federation, RequestContext } from "@fedify/fedify";
import { Activity, Object as APObject, Tombstone } from "@fedify/vocab";
import type { Account } from "../domain/accounts.ts";
import type { Ctx } from "../domain/context.ts";
import { loadStatuses } from "../domain/hydrate.ts";
import type { Status } from "../domain/statuses.ts";
import { paths } from "../domain/uris.ts";
import { canView } from "../domain/visibility.ts";
import { withMastodonContext } from "./mappers/context.ts";
import { applyMediaExtras, mediaExtras, toNote, withMediaExtras } from "./mappers/note.ts";
import { instanceDocumentLoader } from "./instance-actor.ts";
import { instant } from "./mappers/time.ts";
import { signedIfSecure } from "./secure-mode.ts";
import { buildAnnounce, buildCreate } from "./outbox-statuses.ts";

type Values = Record<"username" | "id", string>;
const statusPath = paths.status("{username}", "{id}") as "/users/{username}/statuses/{id}";
const activityPath = `${statusPath}/activity` as "/users/{username}/statuses/{id}/activity";

/*
 * Every local status is an ActivityStreams document at its URI (/users/{username}/statuses/{id}),
 * and its Create (or, for a boost, its Announce) at …/activity. Public and unlisted posts to
 * anyone (in secure mode, anyone who signs the request); private and direct ones only to a signed
 * request from an actor who may see them, and to anyone else they do not exist (404, not 401:
 * their existence is private too). A deleted post
 * is a Tombstone. Asked for as HTML, Fedify hands the request on to the public pages.
 *
 * Fedify keys object dispatchers by class, so the posts are registered for the base Object type
 * (one path serves Notes, Questions and Tombstones alike) and their activities for Activity.
 */
export function registerStatusObjects(federation: Federation<Ctx>): void {
  federation.setObjectDispatcher(APObject, statusPath, dispatchStatus).authorize(signedIfSecure);
  federation.setObjectDispatcher(Activity, activityPath, dispatchStatusActivity).authorize(signedIfSecure);
}

async function dispatchStatus(fctx: RequestContext<Ctx>, values: Values): Promise<APObject | null> {
  const found = await findLocalStatus(fctx.data, values);
  if (!found || found.status.reblog_of_id) return null;
  if (found.status.deleted_at) {
    return new Tombstone({ id: new URL(found.status.uri), deleted: instant(found.status.deleted_at) });
  }
  if (!(await mayRead(fctx, found.status))) return null;
  const [view] = await loadStatuses(fctx.data, [found.status.id], null);
  if (!view) return null;
  return withMediaExtras(toNote(fctx.data.config, view), mediaExtras(fctx.data.config, view));
}

async function dispatchStatusActivity(fctx: RequestContext<Ctx>, values: Values): Promise<Activity | null> {
  const found = await findLocalStatus(fctx.data, values);
  if (!found || found.status.deleted_at || !(await mayRead(fctx, found.status))) return null;
  const ctx = fctx.data;
  if (found.status.reblog_of_id) {
    const original = await ctx.db.selectFrom("statuses").selectAll().where("id", "=", found.status.reblog_of_id).executeTakeFirst();
    if (!original || original.deleted_at) return null;
    const originalAuthor = await ctx.db.selectFrom("accounts").selectAll().where("id", "=", original.account_id).executeTakeFirst();
    return originalAuthor ? buildAnnounce(found.author, found.status, original, originalAuthor) : null;
  }
  const [view] = await loadStatuses(ctx, [found.status.id], null);
  if (!view) return null;
  const extras = mediaExtras(ctx.config, view);
  return withMastodonContext(buildCreate(ctx.config, view), (json) => applyMediaExtras(json.object, extras));
}

/**
 * The newest public activities of a local account, for the first page of its outbox: the Creates
 * of its public and unlisted posts and the Announces of its boosts, newest first.
 */
export async function recentActivities(ctx: Ctx, account: Account, limit = 20): Promise<Activity[]> {
  const rows = await ctx.db
    .selectFrom("statuses")
    .select("id")
    .where("account_id", "=", account.id)
    .where("local", "=", 1)
    .where("deleted_at", "is", null)
    .where("visibility", "in", ["public", "unlisted"])
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  const views = await loadStatuses(ctx, rows.map((r) => r.id), null);
  return views.map((v) =>
    v.reblog ? buildAnnounce(account, v.status, v.reblog.status, v.reblog.account.account) : buildCreate(ctx.config, v),
  );
}

/** A status written here by the account named in the path, which still shares with the fediverse. */
async function findLocalStatus(ctx: Ctx, values: Values): Promise<{ status: Status; author: Account } | null> {
  if (!/^\d{1,20}$/.test(values.id)) return null;
  const status = await ctx.db.selectFrom("statuses").selectAll().where("id", "=", values.id).where("local", "=", 1).executeTakeFirst();
  if (!status) return null;
  const author = await ctx.db.selectFrom("accounts").selectAll().where("id", "=", status.account_id).executeTakeFirst();
  if (!author || author.domain !== null || author.username.toLowerCase() !== values.username.toLowerCase()) return null;
  if (!author.federating || author.deleted_at) return null;
  return { status, author };
}

/** Public and unlisted: anyone. Otherwise the signer of the request must be allowed to see it. */
async function mayRead(fctx: RequestContext<Ctx>, status: Status): Promise<boolean> {
  if (status.visibility === "public" || status.visibility === "unlisted") return true;
  const owner = await fctx.getSignedKeyOwner({ documentLoader: await instanceDocumentLoader(fctx) }).catch(() => null);
  if (!owner?.id) return false;
  const viewer = await fctx.data.db
    .selectFrom("accounts")
    .select(["id", "deleted_at"])
    .where("uri", "=", owner.id.href)
    .executeTakeFirst();
  if (!viewer || viewer.deleted_at) return false;
  const blocked = await fctx.data.db
    .selectFrom("blocks")
    .select("id")
    .where("account_id", "=", status.account_id)
    .where("target_account_id", "=", viewer.id)
    .executeTakeFirst();
  return !blocked && canView(fctx.data.db, status, viewer.id);
}
