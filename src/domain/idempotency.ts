import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";

/*
 * Idempotency-Key for posting: the same key from the same account within an hour yields the
 * status the first request made, however often a flaky connection makes the client retry.
 * The key is reserved (a row without a status) before the post is made, so two requests racing
 * with one key cannot both post; the second waits for the first and gets its status.
 */
const KEEP_MS = 60 * 60 * 1000;
const WAIT_MS = 10_000;
const POLL_MS = 100;
const MAX_KEY = 256;

export type IdempotentResult = { statusId: string; replayed: boolean };

export async function withIdempotencyKey(
  ctx: Ctx,
  accountId: string,
  key: string,
  post: () => Promise<string>,
  stillExists: (statusId: string) => Promise<boolean>,
): Promise<IdempotentResult> {
  if (key.length > MAX_KEY) throw new DomainError("invalid", "Idempotency-Key is too long");
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const expired = new Date(Date.now() - KEEP_MS).toISOString();
    await ctx.db
      .deleteFrom("idempotency_keys")
      .where("account_id", "=", accountId)
      .where("key", "=", key)
      .where("created_at", "<", expired)
      .execute();
    const reserved = await ctx.db
      .insertInto("idempotency_keys")
      .values({ account_id: accountId, key, status_id: null, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.columns(["account_id", "key"]).doNothing())
      .returning("key")
      .executeTakeFirst();
    if (reserved) break;
    const held = await ctx.db
      .selectFrom("idempotency_keys")
      .select("status_id")
      .where("account_id", "=", accountId)
      .where("key", "=", key)
      .executeTakeFirst();
    if (held?.status_id) {
      if (await stillExists(held.status_id)) return { statusId: held.status_id, replayed: true };
      // The first post was deleted since: the key is free again.
      await ctx.db.deleteFrom("idempotency_keys").where("account_id", "=", accountId).where("key", "=", key).execute();
      continue;
    }
    if (held && Date.now() > deadline) {
      throw new DomainError("conflict", "Another request with the same Idempotency-Key is still being processed");
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  let statusId: string;
  try {
    statusId = await post();
  } catch (err) {
    await ctx.db.deleteFrom("idempotency_keys").where("account_id", "=", accountId).where("key", "=", key).execute();
    throw err;
  }
  await ctx.db
    .updateTable("idempotency_keys")
    .set({ status_id: statusId })
    .where("account_id", "=", accountId)
    .where("key", "=", key)
    .execute();
  // Old keys of everyone are swept now and then, by whoever posts with a key.
  if (Math.random() < 0.05) {
    await ctx.db.deleteFrom("idempotency_keys").where("created_at", "<", new Date(Date.now() - KEEP_MS).toISOString()).execute();
  }
  return { statusId, replayed: false };
}
