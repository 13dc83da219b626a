import type { Tx } from "../db/index.ts";
import type { Ctx } from "./context.ts";
import type { DomainEvent } from "./events.ts";

/**
 * Runs `fn` in a transaction; events it records with `emit` go out only after commit,
 * so live listeners never see a change that was rolled back.
 */
export async function inTx<T>(ctx: Ctx, fn: (tx: Tx, emit: (e: DomainEvent) => void) => Promise<T>): Promise<T> {
  const pending: DomainEvent[] = [];
  const result = await ctx.db.transaction().execute((tx) => fn(tx, (e) => pending.push(e)));
  for (const e of pending) {
    try {
      ctx.events.emit(e);
    } catch (err) {
      ctx.log.warn({ err }, "event listener failed");
    }
  }
  return result;
}
