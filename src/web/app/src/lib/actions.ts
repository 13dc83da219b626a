import { del, get, post } from "./api.ts";
import { getStatus, markDeleted, patchStatus, putRelationships, putStatus, toast } from "./store.ts";
import type { Relationship, Status } from "./types.ts";

/*
 * Likes, boosts and bookmarks show at once and are undone if the server says no: the reader
 * should never wait on a round trip to see their own tap.
 */

async function optimistic(id: string, change: Partial<Status>, request: () => Promise<Status>, failure: string): Promise<void> {
  const before = getStatus(id);
  if (!before) return;
  patchStatus(id, change);
  try {
    const after = await request();
    // The answer for a boost is the boost itself; the counts live on the original.
    const original = after.reblog ?? after;
    if (original.id === id) putStatus(original);
  } catch (err) {
    patchStatus(id, before);
    toast(`${failure}: ${(err as Error).message}`);
  }
}

export function toggleFavourite(s: Status): Promise<void> {
  const on = !s.favourited;
  return optimistic(
    s.id,
    { favourited: on, favourites_count: Math.max(0, s.favourites_count + (on ? 1 : -1)) },
    () => post<Status>(`/api/v1/statuses/${s.id}/${on ? "favourite" : "unfavourite"}`),
    on ? "Could not like the post" : "Could not remove the like",
  );
}

export function toggleReblog(s: Status): Promise<void> {
  const on = !s.reblogged;
  return optimistic(
    s.id,
    { reblogged: on, reblogs_count: Math.max(0, s.reblogs_count + (on ? 1 : -1)) },
    () => post<Status>(`/api/v1/statuses/${s.id}/${on ? "reblog" : "unreblog"}`),
    on ? "Could not repost" : "Could not undo the repost",
  );
}

export function toggleBookmark(s: Status): Promise<void> {
  const on = !s.bookmarked;
  return optimistic(
    s.id,
    { bookmarked: on },
    () => post<Status>(`/api/v1/statuses/${s.id}/${on ? "bookmark" : "unbookmark"}`),
    "Could not change the bookmark",
  );
}

export async function deleteStatus(s: Status): Promise<void> {
  try {
    await del(`/api/v1/statuses/${s.id}`);
    markDeleted(s.id);
    toast("Post deleted");
  } catch (err) {
    toast(`Could not delete the post: ${(err as Error).message}`);
  }
}

export async function loadRelationships(ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  for (let i = 0; i < unique.length; i += 40) {
    putRelationships(await get<Relationship[]>("/api/v1/accounts/relationships", { id: unique.slice(i, i + 40) }));
  }
}

export async function relationshipAction(accountId: string, action: "follow" | "unfollow" | "block" | "unblock" | "mute" | "unmute"): Promise<Relationship | null> {
  try {
    const rel = await post<Relationship>(`/api/v1/accounts/${accountId}/${action}`);
    putRelationships([rel]);
    return rel;
  } catch (err) {
    toast(`Could not ${action}: ${(err as Error).message}`);
    return null;
  }
}

export async function copyLink(url: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(url);
    toast("Link copied");
  } catch {
    toast(url);
  }
}
