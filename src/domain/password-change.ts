import type { Ctx } from "./context.ts";
import { nowIso } from "./ids.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";

export const MIN_PASSWORD_LENGTH = 8;
/** scrypt reads the whole string; a cap keeps a pasted novel from costing seconds of CPU. */
export const MAX_PASSWORD_LENGTH = 1024;

export type PasswordChangeResult =
  | { ok: true; revokedTokens: number }
  | { ok: false; reason: "wrong_password" | "too_short" | "too_long" | "mismatch" | "same" };

/** Whether `password` is the account's current password. */
export async function checkPassword(ctx: Ctx, accountId: string, password: string): Promise<boolean> {
  const row = await ctx.db.selectFrom("users").select("password_hash").where("account_id", "=", accountId).executeTakeFirst();
  return verifyPassword(password, row?.password_hash ?? null);
}

/**
 * Sets a new password and, as Mastodon does, ends every session of the account: all its access
 * tokens are revoked and its unused authorization codes spent, so a thief who knew the old
 * password keeps nothing from it.
 */
export async function changePassword(
  ctx: Ctx,
  accountId: string,
  input: { current: string; next: string; confirmation: string },
): Promise<PasswordChangeResult> {
  if (!(await checkPassword(ctx, accountId, input.current))) return { ok: false, reason: "wrong_password" };
  if (input.next.length < MIN_PASSWORD_LENGTH) return { ok: false, reason: "too_short" };
  if (input.next.length > MAX_PASSWORD_LENGTH) return { ok: false, reason: "too_long" };
  if (input.next !== input.confirmation) return { ok: false, reason: "mismatch" };
  if (input.next === input.current) return { ok: false, reason: "same" };
  const hash = await hashPassword(input.next);
  const now = nowIso();
  return ctx.db.transaction().execute(async (tx) => {
    await tx.updateTable("users").set({ password_hash: hash }).where("account_id", "=", accountId).execute();
    const revoked = await tx
      .updateTable("oauth_tokens")
      .set({ revoked_at: now })
      .where("account_id", "=", accountId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    await tx
      .updateTable("oauth_codes")
      .set({ used_at: now })
      .where("account_id", "=", accountId)
      .where("used_at", "is", null)
      .execute();
    return { ok: true as const, revokedTokens: Number(revoked.numUpdatedRows) };
  });
}
