import type { Note, Question } from "@fedify/vocab";
import type { Ctx } from "../domain/context.ts";
import { loadStatuses } from "../domain/hydrate.ts";
import { featuredStatusIds } from "../domain/pins.ts";
import { toNote } from "./mappers/note.ts";

/**
 * The account's pinned public and unlisted posts as Notes, most recently pinned first: the
 * items of its `featured` collection, which Mastodon reads to show pins on remote profiles.
 */
export async function featuredNotes(ctx: Ctx, accountId: string): Promise<Array<Note | Question>> {
  const views = await loadStatuses(ctx, await featuredStatusIds(ctx, accountId), null);
  return views.filter((v) => !v.reblog).map((v) => toNote(ctx.config, v));
}
