import type { Account } from "./accounts.ts";
import type { Ctx } from "./context.ts";
import type { StoredKeys } from "./keys.ts";

/**
 * What the federation layer needs to know about a local account to serve it as an actor.
 * Unlike accounts.findLocalAccount this also finds deleted accounts: their URI answers
 * 410 Gone with a Tombstone, and their keys still sign the Delete that announces it.
 */
export type LocalActorState =
  | { state: "active"; account: Account }
  /** the owner switched federation off: not served at all */
  | { state: "hidden"; account: Account }
  | { state: "deleted"; account: Account };

export async function findLocalActor(ctx: Ctx, username: string): Promise<LocalActorState | null> {
  const rows = await ctx.db
    .selectFrom("accounts")
    .selectAll()
    .where("domain", "is", null)
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()))
    .execute();
  // A deleted username is never reused, so at most one row matches; prefer a live one anyway.
  const account = rows.find((r) => r.deleted_at === null) ?? rows[0];
  if (!account) return null;
  if (account.deleted_at !== null) return { state: "deleted", account };
  if (!account.federating) return { state: "hidden", account };
  return { state: "active", account };
}

/** The key material of a local account (RSA for HTTP Signatures, Ed25519 for Object Integrity Proofs). */
export async function loadStoredKeys(ctx: Ctx, accountId: string): Promise<StoredKeys | null> {
  const row = await ctx.db.selectFrom("users").select("keys").where("account_id", "=", accountId).executeTakeFirst();
  if (!row) return null;
  try {
    return JSON.parse(row.keys) as StoredKeys;
  } catch {
    ctx.log.error({ accountId }, "users.keys is not valid JSON");
    return null;
  }
}
