import type { Selectable } from "kysely";
import type { AnnouncementTable } from "../db/schema.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { newId, nowIso } from "./ids.ts";

/*
 * Announcements an admin publishes to everyone on the instance (shown by clients at the top of
 * the home timeline), and which of them each user dismissed.
 */

export type Announcement = Selectable<AnnouncementTable>;

export interface AnnouncementView {
  announcement: Announcement;
  /** null when nobody is signed in */
  read: boolean | null;
}

export interface NewAnnouncement {
  text: string;
  startsAt?: string | null;
  endsAt?: string | null;
  allDay?: boolean;
  /** false keeps it as a draft */
  publish?: boolean;
}

export async function createAnnouncement(ctx: Ctx, input: NewAnnouncement): Promise<Announcement> {
  if (!input.text.trim()) throw new DomainError("invalid", "Text can't be blank");
  const now = nowIso();
  const row: Announcement = {
    id: newId(),
    text: input.text,
    starts_at: input.startsAt ?? null,
    ends_at: input.endsAt ?? null,
    all_day: input.allDay ? 1 : 0,
    published_at: input.publish === false ? null : now,
    created_at: now,
    updated_at: now,
  };
  await ctx.db.insertInto("announcements").values(row).execute();
  return row;
}

/** Published announcements that have not ended, oldest first; dismissed ones only when asked for. */
export async function currentAnnouncements(
  ctx: Ctx,
  viewerId: string | null,
  options: { withDismissed?: boolean } = {},
): Promise<AnnouncementView[]> {
  const now = nowIso();
  const rows = await ctx.db
    .selectFrom("announcements")
    .selectAll()
    .where("published_at", "is not", null)
    .where((eb) => eb.or([eb("ends_at", "is", null), eb("ends_at", ">", now)]))
    .orderBy("published_at")
    .execute();
  if (!viewerId) return rows.map((announcement) => ({ announcement, read: null }));
  const dismissed = rows.length
    ? new Set(
        (
          await ctx.db
            .selectFrom("announcement_dismissals")
            .select("announcement_id")
            .where("account_id", "=", viewerId)
            .where("announcement_id", "in", rows.map((r) => r.id))
            .execute()
        ).map((d) => d.announcement_id),
      )
    : new Set<string>();
  return rows
    .filter((r) => options.withDismissed || !dismissed.has(r.id))
    .map((announcement) => ({ announcement, read: dismissed.has(announcement.id) }));
}

export async function dismissAnnouncement(ctx: Ctx, accountId: string, id: string): Promise<void> {
  const found = await ctx.db.selectFrom("announcements").select("id").where("id", "=", id).where("published_at", "is not", null).executeTakeFirst();
  if (!found) throw new DomainError("not_found", "Record not found");
  await ctx.db
    .insertInto("announcement_dismissals")
    .values({ announcement_id: id, account_id: accountId })
    .onConflict((oc) => oc.columns(["announcement_id", "account_id"]).doNothing())
    .execute();
}

export async function announcementExists(ctx: Ctx, id: string): Promise<boolean> {
  return !!(await ctx.db.selectFrom("announcements").select("id").where("id", "=", id).where("published_at", "is not", null).executeTakeFirst());
}
