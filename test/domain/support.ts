import { loadConfig } from "../../src/config.ts";
import type { Ctx } from "../../src/domain/context.ts";
import { createLocalEvents } from "../../src/domain/events.ts";
import { createLogger } from "../../src/logger.ts";
import { newId, nowIso } from "../../src/domain/ids.ts";
import type { Account } from "../../src/domain/accounts.ts";
import type { TestDb } from "../helpers/db.ts";

/** A domain context over a test database, with the events it emits collected. */
export function domainCtx(t: TestDb): Ctx & { emitted: unknown[] } {
  const emitted: unknown[] = [];
  const events = createLocalEvents();
  events.on((e) => emitted.push(e));
  return {
    db: t.db,
    dialect: t.dialect,
    config: loadConfig({ WEFT_URL: "https://weft.test" }),
    log: createLogger("silent"),
    events,
    emitted,
  };
}

/** A remote account row as federation/ would store it after fetching the actor. */
export async function remoteAccount(ctx: Ctx, username: string, domain = "remote.test"): Promise<Account> {
  const now = nowIso();
  const row: Account = {
    id: newId(), username, domain, uri: `https://${domain}/users/${username}`, url: `https://${domain}/@${username}`,
    inbox_url: `https://${domain}/users/${username}/inbox`, shared_inbox_url: `https://${domain}/inbox`, outbox_url: null,
    followers_url: `https://${domain}/users/${username}/followers`, following_url: null, featured_url: null,
    actor_type: "Person", display_name: username, note: "", avatar_url: null, header_url: null, fields: "[]", emojis: "[]",
    locked: 0, bot: 0, discoverable: 1, indexable: 1, federating: 1, public_key_pem: null, public_key_id: null,
    followers_count: 0, following_count: 0, statuses_count: 0, last_status_at: null, created_at: now, updated_at: now,
    fetched_at: now, deleted_at: null,
  };
  await ctx.db.insertInto("accounts").values(row).execute();
  return row;
}

export async function follow(ctx: Ctx, followerId: string, targetId: string, opts: { notify?: boolean; showReblogs?: boolean } = {}): Promise<void> {
  await ctx.db
    .insertInto("follows")
    .values({ id: newId(), account_id: followerId, target_account_id: targetId, uri: null, show_reblogs: opts.showReblogs === false ? 0 : 1, notify: opts.notify ? 1 : 0, created_at: nowIso() })
    .execute();
}

export async function jobs(ctx: Ctx): Promise<Array<{ kind: string; [k: string]: unknown }>> {
  const rows = await ctx.db.selectFrom("jobs").select("payload").where("queue", "=", "weft").orderBy("id").execute();
  return rows.map((r) => JSON.parse(r.payload));
}

export async function homeIds(ctx: Ctx, accountId: string): Promise<string[]> {
  const rows = await ctx.db.selectFrom("home_feed").select("status_id").where("account_id", "=", accountId).orderBy("status_id", "desc").execute();
  return rows.map((r) => r.status_id);
}

export async function notificationsOf(ctx: Ctx, accountId: string): Promise<Array<{ type: string; from: string; status: string | null }>> {
  const rows = await ctx.db.selectFrom("notifications").select(["type", "from_account_id", "status_id"]).where("account_id", "=", accountId).orderBy("id").execute();
  return rows.map((r) => ({ type: r.type, from: r.from_account_id, status: r.status_id }));
}
