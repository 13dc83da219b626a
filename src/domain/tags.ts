import type { Tx } from "../db/index.ts";
import { newId, nowIso } from "./ids.ts";
import { normalizeHashtag } from "./text/index.ts";

/** Hashtags are matched by their normalised form; the first spelling seen is kept for display. */
export function normaliseTag(name: string): string {
  return normalizeHashtag(name.replace(/^#/, ""));
}

export async function upsertTags(tx: Tx, names: string[]): Promise<string[]> {
  const byNorm = new Map<string, string>();
  for (const n of names) {
    const clean = n.replace(/^#/, "");
    if (!clean || clean.length > 100) continue;
    const norm = normaliseTag(clean);
    if (!byNorm.has(norm)) byNorm.set(norm, clean);
  }
  if (byNorm.size === 0) return [];
  const now = nowIso();
  await tx
    .insertInto("tags")
    .values([...byNorm].map(([name, display]) => ({ id: newId(), name, display_name: display, created_at: now })))
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const rows = await tx.selectFrom("tags").select("id").where("name", "in", [...byNorm.keys()]).execute();
  return rows.map((r) => r.id);
}
