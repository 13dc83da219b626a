import type { Insertable, Selectable } from "kysely";
import { loadConfig } from "../../src/config.ts";
import type { Db, DbHandle } from "../../src/db/index.ts";
import type {
  AccountTable,
  MediaAttachmentTable,
  NotificationTable,
  PollTable,
  StatusTable,
} from "../../src/db/schema.ts";
import type { Ctx } from "../../src/domain/context.ts";
import { createLocalEvents } from "../../src/domain/events.ts";
import { newId, nowIso } from "../../src/domain/ids.ts";
import { localAccountUris, localStatusUris } from "../../src/domain/uris.ts";
import { createLogger } from "../../src/logger.ts";

/*
 * Small row builders for tests that need data in place without going through the services:
 * each inserts one row with sensible defaults and returns it. Override any column.
 */

export const TEST_URL = "https://weft.test";

export function testCtx(handle: Pick<DbHandle, "db" | "dialect">, url = TEST_URL): Ctx {
  const config = loadConfig({ WEFT_URL: url, LOG_LEVEL: "silent" });
  return { db: handle.db, dialect: handle.dialect, config, log: createLogger("silent"), events: createLocalEvents() };
}

type AccountRow = Selectable<AccountTable>;
type StatusRow = Selectable<StatusTable>;

let seq = 0;
const uniq = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;

/** A local account (with a user row) unless `domain` is given; `admin` makes the user an admin. */
export async function makeAccount(
  db: Db,
  over: Partial<Insertable<AccountTable>> & { admin?: boolean; email?: string | null; settings?: object } = {},
): Promise<AccountRow> {
  const { admin, email, settings, ...cols } = over;
  const username = cols.username ?? `user${uniq()}`;
  const domain = cols.domain ?? null;
  const now = nowIso();
  const uris = domain
    ? { uri: `https://${domain}/users/${username}`, url: `https://${domain}/@${username}`, inbox_url: `https://${domain}/users/${username}/inbox` }
    : localAccountUris({ url: new URL(TEST_URL) }, username);
  const row: AccountRow = {
    id: newId(), username, domain, ...uris, shared_inbox_url: null, outbox_url: null, followers_url: null,
    following_url: null, featured_url: null, actor_type: "Person", display_name: username, note: "", avatar_url: null,
    header_url: null, fields: "[]", emojis: "[]", locked: 0, bot: 0, discoverable: 1, indexable: 1, federating: 1,
    public_key_pem: null, public_key_id: null, followers_count: 0, following_count: 0, statuses_count: 0,
    last_status_at: null, created_at: now, updated_at: now, fetched_at: null, deleted_at: null,
    ...cols,
  } as AccountRow;
  await db.insertInto("accounts").values(row).execute();
  if (!domain) {
    await db
      .insertInto("users")
      .values({
        account_id: row.id, email: email ?? `${username}@weft.test`, password_hash: null, admin: admin ? 1 : 0,
        approved: 1, keys: "{}", settings: JSON.stringify(settings ?? {}), created_at: now, last_active_at: now,
      })
      .execute();
  }
  return row;
}

export async function makeStatus(db: Db, account: AccountRow, over: Partial<Insertable<StatusTable>> = {}): Promise<StatusRow> {
  const id = over.id ?? newId();
  const local = account.domain === null;
  const uris = local
    ? localStatusUris({ url: new URL(TEST_URL) }, account.username, id)
    : { uri: `${account.uri}/statuses/${id}`, url: `${account.url}/${id}` };
  const row = {
    id, ...uris, account_id: account.id, local: local ? 1 : 0, in_reply_to_id: null, in_reply_to_account_id: null,
    in_reply_to_uri: null, reblog_of_id: null, conversation_id: null, text: local ? "hello" : null,
    content: "<p>hello</p>", spoiler_text: "", sensitive: 0, visibility: "public", language: "en",
    application_id: null, poll_id: null, replies_count: 0, reblogs_count: 0, favourites_count: 0,
    created_at: nowIso(), edited_at: null, deleted_at: null,
    ...over,
  } as StatusRow;
  await db.insertInto("statuses").values(row).execute();
  return row;
}

export async function makeReblog(db: Db, booster: AccountRow, original: StatusRow): Promise<StatusRow> {
  return makeStatus(db, booster, { reblog_of_id: original.id, content: "", text: null, visibility: original.visibility });
}

export async function makeMedia(db: Db, status: StatusRow, over: Partial<Insertable<MediaAttachmentTable>> = {}) {
  const row = {
    id: newId(), account_id: status.account_id, status_id: status.id, type: "image" as const,
    file_path: `${status.id}/original.png`, preview_path: `${status.id}/small.png`, content_type: "image/png",
    remote_url: null, description: "a picture", blurhash: "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
    meta: JSON.stringify({ original: { width: 640, height: 480, size: "640x480", aspect: 4 / 3 } }),
    state: "ready", created_at: nowIso(), ...over,
  };
  await db.insertInto("media_attachments").values(row).execute();
  return row;
}

/** A poll attached to `status` (the status row is updated to point at it). */
export async function makePoll(db: Db, status: StatusRow, over: Partial<Insertable<PollTable>> = {}) {
  const now = nowIso();
  const row = {
    id: newId(), status_id: status.id, account_id: status.account_id, options: JSON.stringify(["yes", "no"]),
    cached_tallies: JSON.stringify([0, 0]), multiple: 0, expires_at: new Date(Date.now() + 86_400_000).toISOString(),
    votes_count: 0, voters_count: 0, created_at: now, updated_at: now, ...over,
  };
  await db.insertInto("polls").values(row).execute();
  await db.updateTable("statuses").set({ poll_id: row.id }).where("id", "=", status.id).execute();
  return row;
}

export async function vote(db: Db, pollId: string, account: AccountRow, choice: number): Promise<void> {
  await db.insertInto("poll_votes").values({ id: newId(), poll_id: pollId, account_id: account.id, choice, uri: null, created_at: nowIso() }).execute();
}

export async function mention(db: Db, status: StatusRow, account: AccountRow, silent = false): Promise<void> {
  await db.insertInto("mentions").values({ status_id: status.id, account_id: account.id, silent: silent ? 1 : 0 }).execute();
}

export async function tag(db: Db, status: StatusRow, name: string): Promise<void> {
  let row = await db.selectFrom("tags").selectAll().where("name", "=", name.toLowerCase()).executeTakeFirst();
  if (!row) {
    row = { id: newId(), name: name.toLowerCase(), display_name: name, created_at: nowIso() };
    await db.insertInto("tags").values(row).execute();
  }
  await db.insertInto("status_tags").values({ status_id: status.id, tag_id: row.id }).execute();
}

type PairTable = "follows" | "follow_requests" | "blocks" | "mutes" | "favourites" | "bookmarks";

/** One row in a two-party table: `relate(db, "follows", alice, bob)` makes alice follow bob. */
export async function relate(db: Db, table: Exclude<PairTable, "favourites" | "bookmarks">, from: AccountRow, to: AccountRow): Promise<void> {
  const base = { id: newId(), account_id: from.id, target_account_id: to.id, created_at: nowIso() };
  if (table === "follows" || table === "follow_requests") {
    await db.insertInto(table).values({ ...base, uri: null, show_reblogs: 1, notify: 0 }).execute();
  } else if (table === "blocks") {
    await db.insertInto("blocks").values({ ...base, uri: null }).execute();
  } else {
    await db.insertInto("mutes").values({ ...base, hide_notifications: 1, expires_at: null }).execute();
  }
}

/** The viewer favourites or bookmarks a status. */
export async function mark(db: Db, table: "favourites" | "bookmarks", account: AccountRow, status: StatusRow): Promise<void> {
  const base = { id: newId(), account_id: account.id, status_id: status.id, created_at: nowIso() };
  if (table === "favourites") await db.insertInto("favourites").values({ ...base, uri: null }).execute();
  else await db.insertInto("bookmarks").values(base).execute();
}

export async function makeNotification(db: Db, over: Partial<Insertable<NotificationTable>> & Pick<Insertable<NotificationTable>, "account_id" | "from_account_id" | "type">) {
  const row = { id: newId(), status_id: null, dedupe_key: null, created_at: nowIso(), ...over };
  await db.insertInto("notifications").values(row).execute();
  return row;
}

export async function makeApp(db: Db, name = "Test client", website: string | null = "https://app.example") {
  const row = {
    id: newId(), name, website, redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write",
    client_id: `cid${uniq()}`, client_secret: `sec${uniq()}`, created_at: nowIso(),
  };
  await db.insertInto("oauth_apps").values(row).execute();
  return row;
}
