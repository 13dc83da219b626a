import { sql } from "kysely";
import type { Tx } from "../db/index.ts";
import type { Account } from "./accounts.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { newId, nowIso } from "./ids.ts";
import { claimActivity } from "./inbox-activities.ts";
import { inTx } from "./tx.ts";

/**
 * A remote actor in domain terms, as federation/mappers/actor.ts extracts it. Text fields are
 * already sanitised HTML (note, field values) or plain text (display name, field names).
 */
export interface RemoteAccountData {
  uri: string;
  url: string | null;
  username: string;
  /** the handle's domain (host[:port]), confirmed by WebFinger when it differs from the actor's host */
  domain: string;
  actorType: string;
  displayName: string;
  note: string;
  avatarUrl: string | null;
  headerUrl: string | null;
  fields: Array<{ name: string; value: string; verified_at: string | null }>;
  emojis: Array<{ shortcode: string; url: string }>;
  locked: boolean;
  bot: boolean;
  discoverable: boolean;
  indexable: boolean;
  inboxUrl: string;
  sharedInboxUrl: string | null;
  outboxUrl: string | null;
  followersUrl: string | null;
  followingUrl: string | null;
  featuredUrl: string | null;
  publicKeyPem: string | null;
  publicKeyId: string | null;
  /** from the actor's collections; null keeps what is stored */
  followersCount: number | null;
  followingCount: number | null;
  statusesCount: number | null;
  /** when the actor says it was created */
  published: string | null;
}

/** A day, as Mastodon: older copies are refreshed before they are relied on. */
export const REMOTE_ACCOUNT_TTL_MS = 86_400_000;

export function isStale(account: Pick<Account, "fetched_at">, now = Date.now()): boolean {
  return !account.fetched_at || now - Date.parse(account.fetched_at) > REMOTE_ACCOUNT_TTL_MS;
}

/**
 * Stores a freshly fetched remote actor: a new row the first time, an update after. The URI is
 * the identity; a different actor already holding the same handle is a conflict the caller
 * hears about, rather than two accounts answering to one name.
 */
export async function upsertRemoteAccount(ctx: Ctx, data: RemoteAccountData): Promise<Account> {
  const host = ctx.config.url.host.toLowerCase();
  if (data.domain.toLowerCase() === host || URL.parse(data.uri)?.host.toLowerCase() === host) {
    throw new DomainError("invalid", "A local actor cannot be stored as a remote account");
  }
  return inTx(ctx, async (tx) => {
    const existing = await tx.selectFrom("accounts").selectAll().where("uri", "=", data.uri).executeTakeFirst();
    if (existing?.domain === null) throw new DomainError("invalid", "A local actor cannot be stored as a remote account");
    const holder = await tx
      .selectFrom("accounts")
      .select(["id", "uri"])
      .where((eb) => eb(eb.fn("lower", ["username"]), "=", data.username.toLowerCase()))
      .where((eb) => eb(eb.fn("lower", ["domain"]), "=", data.domain.toLowerCase()))
      .executeTakeFirst();
    if (holder && holder.uri !== data.uri) {
      throw new DomainError("conflict", `@${data.username}@${data.domain} already belongs to ${holder.uri}`);
    }
    const now = nowIso();
    const values = {
      username: data.username,
      domain: data.domain,
      url: data.url,
      inbox_url: data.inboxUrl,
      shared_inbox_url: data.sharedInboxUrl,
      outbox_url: data.outboxUrl,
      followers_url: data.followersUrl,
      following_url: data.followingUrl,
      featured_url: data.featuredUrl,
      actor_type: data.actorType,
      display_name: data.displayName,
      note: data.note,
      avatar_url: data.avatarUrl,
      header_url: data.headerUrl,
      fields: JSON.stringify(data.fields),
      emojis: JSON.stringify(data.emojis),
      locked: data.locked ? 1 : 0,
      bot: data.bot ? 1 : 0,
      discoverable: data.discoverable ? 1 : 0,
      indexable: data.indexable ? 1 : 0,
      public_key_pem: data.publicKeyPem,
      public_key_id: data.publicKeyId,
      updated_at: now,
      fetched_at: now,
      ...(data.followersCount != null ? { followers_count: data.followersCount } : {}),
      ...(data.followingCount != null ? { following_count: data.followingCount } : {}),
      ...(data.statusesCount != null ? { statuses_count: data.statusesCount } : {}),
    };
    const update = async (current: Account): Promise<Account> => {
      // A Delete we saw is final: a later copy of the actor does not bring the account back.
      if (current.deleted_at) return current;
      await tx.updateTable("accounts").set(values).where("id", "=", current.id).execute();
      return { ...current, ...values };
    };
    if (existing) return update(existing);
    const row: Account = {
      id: newId(),
      uri: data.uri,
      federating: 1,
      followers_count: 0,
      following_count: 0,
      statuses_count: 0,
      last_status_at: null,
      created_at: data.published ?? now,
      deleted_at: null,
      ...values,
    };
    // Two deliveries from a new actor can race to store it: the second one updates instead.
    const inserted = await tx.insertInto("accounts").values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return row;
    const raced = await tx.selectFrom("accounts").selectAll().where("uri", "=", data.uri).executeTakeFirst();
    if (!raced) throw new DomainError("conflict", `@${data.username}@${data.domain} already belongs to another actor`);
    return update(raced);
  });
}

/** Keeps what we know but records that we tried: a dead server is not asked again at once. */
export async function touchRemoteAccount(ctx: Ctx, accountId: string): Promise<void> {
  await ctx.db.updateTable("accounts").set({ fetched_at: nowIso() }).where("id", "=", accountId).execute();
}

/**
 * The actor deleted itself: its posts, follows and interactions go, its row stays as a tombstone
 * (so the URI keeps resolving to "gone" and a late activity from it is refused).
 */
export async function deleteRemoteAccount(
  ctx: Ctx,
  accountId: string,
  options: { activityId?: string } = {},
): Promise<"deleted" | "unknown" | "duplicate"> {
  return inTx(ctx, async (tx) => {
    if (options.activityId && !(await claimActivity(tx, options.activityId))) return "duplicate";
    const account = await tx.selectFrom("accounts").selectAll().where("id", "=", accountId).executeTakeFirst();
    if (!account || account.domain === null) return "unknown";
    if (account.deleted_at) return "deleted";
    await removeInteractions(tx, accountId);
    await tx
      .updateTable("accounts")
      .set({
        deleted_at: nowIso(),
        display_name: "",
        note: "",
        fields: "[]",
        emojis: "[]",
        avatar_url: null,
        header_url: null,
        followers_count: 0,
        following_count: 0,
        statuses_count: 0,
      })
      .where("id", "=", accountId)
      .execute();
    return "deleted";
  });
}

async function removeInteractions(tx: Tx, accountId: string): Promise<void> {
  // Statuses others interacted with through this account, so their counters can be recomputed.
  const favourited = tx.selectFrom("favourites").select("status_id").where("account_id", "=", accountId);
  const reblogged = tx
    .selectFrom("statuses")
    .select("reblog_of_id as status_id")
    .where("account_id", "=", accountId)
    .where("reblog_of_id", "is not", null)
    .$narrowType<{ status_id: string }>();
  const repliedTo = tx
    .selectFrom("statuses")
    .select("in_reply_to_id as status_id")
    .where("account_id", "=", accountId)
    .where("in_reply_to_id", "is not", null)
    .$narrowType<{ status_id: string }>();
  const touched = (await favourited.union(reblogged).union(repliedTo).execute()).map((r) => r.status_id);

  // Who followed whom, so local counters stay right.
  const followed = await tx.selectFrom("follows").select("target_account_id").where("account_id", "=", accountId).execute();
  const followers = await tx.selectFrom("follows").select("account_id").where("target_account_id", "=", accountId).execute();

  await tx.deleteFrom("home_feed").where("author_id", "=", accountId).execute();
  await tx.deleteFrom("notifications").where("from_account_id", "=", accountId).execute();
  await tx.deleteFrom("favourites").where("account_id", "=", accountId).execute();
  await tx.deleteFrom("poll_votes").where("account_id", "=", accountId).execute();
  await tx.deleteFrom("media_attachments").where("account_id", "=", accountId).execute();
  await tx.deleteFrom("polls").where("account_id", "=", accountId).execute();
  // Boosts of its posts by others go with the posts (reblog_of_id cascades).
  await tx.deleteFrom("statuses").where("account_id", "=", accountId).execute();
  for (const table of ["follows", "follow_requests", "blocks", "mutes"] as const) {
    await tx
      .deleteFrom(table)
      .where((eb) => eb.or([eb("account_id", "=", accountId), eb("target_account_id", "=", accountId)]))
      .execute();
  }
  await adjust(tx, "followers_count", followed.map((r) => r.target_account_id));
  await adjust(tx, "following_count", followers.map((r) => r.account_id));

  for (const id of touched) {
    await tx
      .updateTable("statuses")
      .set({
        favourites_count: sql<number>`(SELECT count(*) FROM favourites WHERE favourites.status_id = statuses.id)`,
        reblogs_count: sql<number>`(SELECT count(*) FROM statuses AS r WHERE r.reblog_of_id = statuses.id)`,
        replies_count: sql<number>`(SELECT count(*) FROM statuses AS r WHERE r.in_reply_to_id = statuses.id AND r.deleted_at IS NULL)`,
      })
      .where("id", "=", id)
      .execute();
  }
}

async function adjust(tx: Tx, column: "followers_count" | "following_count", ids: string[]): Promise<void> {
  for (const id of ids) {
    await tx
      .updateTable("accounts")
      .set({ [column]: sql<number>`CASE WHEN ${sql.ref(column)} > 0 THEN ${sql.ref(column)} - 1 ELSE 0 END` })
      .where("id", "=", id)
      .execute();
  }
}
