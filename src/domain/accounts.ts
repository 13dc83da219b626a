import type { Selectable } from "kysely";
import type { AccountTable } from "../db/schema.ts";
import type { Ctx } from "./context.ts";
import { newId, nowIso } from "./ids.ts";
import { generateActorKeys } from "./keys.ts";
import { hashPassword } from "./passwords.ts";
import { localAccountUris } from "./uris.ts";
import { DomainError } from "./errors.ts";

export type Account = Selectable<AccountTable>;

export const USERNAME_RE = /^[a-z0-9_]{1,30}$/i;

export interface CreateLocalAccountInput {
  username: string;
  password?: string | null;
  email?: string | null;
  admin?: boolean;
  displayName?: string;
  approved?: boolean;
  federating?: boolean;
}

export async function createLocalAccount(ctx: Ctx, input: CreateLocalAccountInput): Promise<Account> {
  if (!USERNAME_RE.test(input.username)) {
    throw new DomainError("invalid", "Username must be 1–30 letters, digits or underscores");
  }
  const existing = await findLocalAccount(ctx, input.username);
  if (existing) throw new DomainError("taken", "Username is already taken");
  const keys = await generateActorKeys();
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const now = nowIso();
  const id = newId();
  const federating = input.federating ?? (await defaultFederating(ctx));
  const row: Account = {
    id,
    username: input.username,
    domain: null,
    ...localAccountUris(ctx.config, input.username),
    actor_type: "Person",
    display_name: input.displayName ?? "",
    note: "",
    avatar_url: null,
    header_url: null,
    fields: "[]",
    emojis: "[]",
    locked: 0,
    bot: 0,
    discoverable: 1,
    indexable: 1,
    federating: federating ? 1 : 0,
    public_key_pem: null,
    public_key_id: null,
    followers_count: 0,
    following_count: 0,
    statuses_count: 0,
    last_status_at: null,
    created_at: now,
    updated_at: now,
    fetched_at: null,
    deleted_at: null,
  };
  await ctx.db.transaction().execute(async (tx) => {
    await tx.insertInto("accounts").values(row).execute();
    await tx
      .insertInto("users")
      .values({
        account_id: id,
        email: input.email ?? null,
        password_hash: passwordHash,
        admin: input.admin ? 1 : 0,
        approved: input.approved === false ? 0 : 1,
        keys: JSON.stringify(keys),
        settings: "{}",
        created_at: now,
        last_active_at: null,
      })
      .execute();
  });
  return row;
}

async function defaultFederating(ctx: Ctx): Promise<boolean> {
  const row = await ctx.db
    .selectFrom("instance_settings")
    .select("value")
    .where("key", "=", "default_federating")
    .executeTakeFirst();
  return row ? JSON.parse(row.value) !== false : true;
}

export async function findLocalAccount(ctx: Ctx, username: string): Promise<Account | undefined> {
  return ctx.db
    .selectFrom("accounts")
    .selectAll()
    .where("domain", "is", null)
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()))
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

export async function getAccount(ctx: Ctx, id: string): Promise<Account | undefined> {
  return ctx.db.selectFrom("accounts").selectAll().where("id", "=", id).where("deleted_at", "is", null).executeTakeFirst();
}

export async function getAccountByUri(ctx: Ctx, uri: string): Promise<Account | undefined> {
  return ctx.db.selectFrom("accounts").selectAll().where("uri", "=", uri).executeTakeFirst();
}

export async function findAccountByHandle(ctx: Ctx, username: string, domain: string | null): Promise<Account | undefined> {
  if (domain === null || domain.toLowerCase() === ctx.config.url.host.toLowerCase()) return findLocalAccount(ctx, username);
  return ctx.db
    .selectFrom("accounts")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()))
    .where((eb) => eb(eb.fn("lower", ["domain"]), "=", domain.toLowerCase()))
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

export async function listLocalAccounts(ctx: Ctx): Promise<Array<Account & { admin: number; email: string | null }>> {
  return ctx.db
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .selectAll("accounts")
    .select(["users.admin", "users.email"])
    .where("accounts.deleted_at", "is", null)
    .orderBy("accounts.id")
    .execute();
}

export function isLocal(account: Pick<Account, "domain">): boolean {
  return account.domain === null;
}

/** `alice` for local accounts, `alice@example.com` for remote ones, as Mastodon's `acct`. */
export function acct(account: Pick<Account, "username" | "domain">): string {
  return account.domain ? `${account.username}@${account.domain}` : account.username;
}
