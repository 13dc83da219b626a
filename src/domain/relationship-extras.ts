import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { nowIso } from "./ids.ts";

/*
 * The parts of a Relationship that live in the settings tables: the viewer's private note on
 * an account, whether they endorse it, whether they block its server. loadRelationships merges
 * these into every Relationship it builds.
 */

export const MAX_NOTE = 2000;

export interface RelationshipExtras {
  note: string;
  endorsed: boolean;
  domainBlocking: boolean;
}

/** Extras for each target, in three queries however many targets. */
export async function loadRelationshipExtras(
  ctx: Ctx,
  viewerId: string,
  targetIds: readonly string[],
): Promise<Map<string, RelationshipExtras>> {
  const targets = [...new Set(targetIds)];
  const out = new Map<string, RelationshipExtras>(targets.map((id) => [id, { note: "", endorsed: false, domainBlocking: false }]));
  if (!targets.length) return out;
  const [notes, endorsed, blocked] = await Promise.all([
    ctx.db
      .selectFrom("account_notes")
      .select(["target_account_id", "comment"])
      .where("account_id", "=", viewerId)
      .where("target_account_id", "in", targets)
      .execute(),
    ctx.db
      .selectFrom("endorsements")
      .select("target_account_id")
      .where("account_id", "=", viewerId)
      .where("target_account_id", "in", targets)
      .execute(),
    ctx.db
      .selectFrom("accounts")
      // Blocked domains are stored lower-cased; an account's may have arrived in any case.
      .innerJoin("domain_blocks", (j) => j.on((eb) => eb(eb.fn("lower", ["accounts.domain"]), "=", eb.ref("domain_blocks.domain"))))
      .select("accounts.id")
      .where("domain_blocks.account_id", "=", viewerId)
      .where("accounts.id", "in", targets)
      .execute(),
  ]);
  for (const n of notes) out.get(n.target_account_id)!.note = n.comment;
  for (const e of endorsed) out.get(e.target_account_id)!.endorsed = true;
  for (const b of blocked) out.get(b.id)!.domainBlocking = true;
  return out;
}

/** Sets the viewer's private note on an account; an empty note removes it. */
export async function setAccountNote(ctx: Ctx, accountId: string, targetId: string, comment: string): Promise<void> {
  if ([...comment].length > MAX_NOTE) throw new DomainError("invalid", `Comment is too long (maximum is ${MAX_NOTE} characters)`);
  if (!comment.trim()) {
    await ctx.db.deleteFrom("account_notes").where("account_id", "=", accountId).where("target_account_id", "=", targetId).execute();
    return;
  }
  await ctx.db
    .insertInto("account_notes")
    .values({ account_id: accountId, target_account_id: targetId, comment, updated_at: nowIso() })
    .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doUpdateSet({ comment, updated_at: nowIso() }))
    .execute();
}
