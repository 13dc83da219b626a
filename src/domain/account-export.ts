import type { Ctx } from "./context.ts";

/*
 * What Mastodon's "Export" page offers, in Mastodon's CSV shapes so the files import into
 * Mastodon (and into Weft) unchanged: an account is `user@domain` (local accounts with this
 * server's host), header rows only where Mastodon writes them.
 */

export type CsvKind = "following_accounts" | "blocked_accounts" | "muted_accounts" | "blocked_domains" | "bookmarks" | "lists";
export const CSV_KINDS: readonly CsvKind[] = ["following_accounts", "blocked_accounts", "muted_accounts", "blocked_domains", "bookmarks", "lists"];

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csv(rows: string[][]): string {
  return rows.map((r) => r.map(csvField).join(",") + "\n").join("");
}

function address(ctx: Ctx, a: { username: string; domain: string | null }): string {
  return `${a.username}@${a.domain ?? ctx.config.url.host}`;
}

const yes = (b: number) => (b ? "true" : "false");

/** The CSV file for one kind of export, as text. */
export async function exportCsv(ctx: Ctx, accountId: string, kind: CsvKind): Promise<string> {
  const db = ctx.db;
  switch (kind) {
    case "following_accounts": {
      const rows = await db
        .selectFrom("follows")
        .innerJoin("accounts", "accounts.id", "follows.target_account_id")
        .select(["accounts.username", "accounts.domain", "follows.show_reblogs", "follows.notify"])
        .where("follows.account_id", "=", accountId)
        .where("accounts.deleted_at", "is", null)
        .orderBy("follows.id")
        .execute();
      return csv([
        ["Account address", "Show boosts", "Notify on new posts", "Languages"],
        ...rows.map((r) => [address(ctx, r), yes(r.show_reblogs), yes(r.notify), ""]),
      ]);
    }
    case "blocked_accounts": {
      const rows = await db
        .selectFrom("blocks")
        .innerJoin("accounts", "accounts.id", "blocks.target_account_id")
        .select(["accounts.username", "accounts.domain"])
        .where("blocks.account_id", "=", accountId)
        .orderBy("blocks.id")
        .execute();
      return csv(rows.map((r) => [address(ctx, r)]));
    }
    case "muted_accounts": {
      const rows = await db
        .selectFrom("mutes")
        .innerJoin("accounts", "accounts.id", "mutes.target_account_id")
        .select(["accounts.username", "accounts.domain", "mutes.hide_notifications"])
        .where("mutes.account_id", "=", accountId)
        .where((eb) => eb.or([eb("mutes.expires_at", "is", null), eb("mutes.expires_at", ">", new Date().toISOString())]))
        .orderBy("mutes.id")
        .execute();
      return csv([["Account address", "Hide notifications"], ...rows.map((r) => [address(ctx, r), yes(r.hide_notifications)])]);
    }
    case "blocked_domains": {
      const rows = await db.selectFrom("domain_blocks").select("domain").where("account_id", "=", accountId).orderBy("domain").execute();
      return csv(rows.map((r) => [r.domain]));
    }
    case "bookmarks": {
      const rows = await db
        .selectFrom("bookmarks")
        .innerJoin("statuses", "statuses.id", "bookmarks.status_id")
        .select("statuses.uri")
        .where("bookmarks.account_id", "=", accountId)
        .where("statuses.deleted_at", "is", null)
        .orderBy("bookmarks.id")
        .execute();
      return csv(rows.map((r) => [r.uri]));
    }
    case "lists": {
      const rows = await db
        .selectFrom("lists")
        .innerJoin("list_accounts", "list_accounts.list_id", "lists.id")
        .innerJoin("accounts", "accounts.id", "list_accounts.account_id")
        .select(["lists.title", "accounts.username", "accounts.domain"])
        .where("lists.account_id", "=", accountId)
        .orderBy("lists.id")
        .orderBy("list_accounts.id")
        .execute();
      return csv(rows.map((r) => [r.title, address(ctx, r)]));
    }
  }
}

/** What goes into the posts archive, apart from the ActivityStreams rendering of each post. */
export interface ArchiveContents {
  /** the account's own posts and boosts, oldest first */
  statusIds: string[];
  /** URIs of the posts the account liked */
  likes: string[];
  /** URIs of the posts the account bookmarked */
  bookmarks: string[];
  /** the uploaded files of its posts, relative to the media folder */
  mediaFiles: string[];
}

export async function archiveContents(ctx: Ctx, accountId: string): Promise<ArchiveContents> {
  const [statuses, likes, bookmarks, media] = await Promise.all([
    ctx.db.selectFrom("statuses").select("id").where("account_id", "=", accountId).where("deleted_at", "is", null).orderBy("id").execute(),
    ctx.db
      .selectFrom("favourites")
      .innerJoin("statuses", "statuses.id", "favourites.status_id")
      .select("statuses.uri")
      .where("favourites.account_id", "=", accountId)
      .orderBy("favourites.id")
      .execute(),
    ctx.db
      .selectFrom("bookmarks")
      .innerJoin("statuses", "statuses.id", "bookmarks.status_id")
      .select("statuses.uri")
      .where("bookmarks.account_id", "=", accountId)
      .orderBy("bookmarks.id")
      .execute(),
    ctx.db
      .selectFrom("media_attachments")
      .innerJoin("statuses", "statuses.id", "media_attachments.status_id")
      .select("media_attachments.file_path")
      .where("media_attachments.account_id", "=", accountId)
      .where("statuses.deleted_at", "is", null)
      .where("media_attachments.file_path", "is not", null)
      .orderBy("media_attachments.id")
      .execute(),
  ]);
  return {
    statusIds: statuses.map((r) => r.id),
    likes: likes.map((r) => r.uri),
    bookmarks: bookmarks.map((r) => r.uri),
    mediaFiles: media.map((r) => r.file_path).filter((p): p is string => !!p),
  };
}
