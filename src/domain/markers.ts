import type { Selectable } from "kysely";
import type { MarkerTable } from "../db/schema.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { isId, normaliseId, nowIso } from "./ids.ts";

/** Where a user stopped reading a timeline, shared between their devices. */
export type Marker = Selectable<MarkerTable>;
export type MarkerTimeline = "home" | "notifications";
export const MARKER_TIMELINES: readonly MarkerTimeline[] = ["home", "notifications"];

export async function getMarker(ctx: Ctx, accountId: string, timeline: MarkerTimeline): Promise<Marker | undefined> {
  return ctx.db.selectFrom("markers").selectAll().where("account_id", "=", accountId).where("timeline", "=", timeline).executeTakeFirst();
}

export async function getMarkers(ctx: Ctx, accountId: string, timelines: readonly MarkerTimeline[]): Promise<Marker[]> {
  if (!timelines.length) return [];
  return ctx.db.selectFrom("markers").selectAll().where("account_id", "=", accountId).where("timeline", "in", [...timelines]).execute();
}

/**
 * Moves a marker. `version` counts saves, as Mastodon's does, so clients can tell a newer
 * position from another device; the upsert is one statement, so concurrent saves each count.
 */
export async function saveMarker(ctx: Ctx, accountId: string, timeline: MarkerTimeline, lastReadId: string): Promise<Marker> {
  if (!isId(lastReadId)) throw new DomainError("invalid", "Last read id is invalid");
  const id = normaliseId(lastReadId);
  const now = nowIso();
  return ctx.db
    .insertInto("markers")
    .values({ account_id: accountId, timeline, last_read_id: id, version: 0, updated_at: now })
    .onConflict((oc) =>
      oc.columns(["account_id", "timeline"]).doUpdateSet((eb) => ({
        last_read_id: id,
        version: eb("markers.version", "+", 1),
        updated_at: now,
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}
