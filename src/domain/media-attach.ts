import type { Tx } from "../db/index.ts";
import { DomainError } from "./errors.ts";
import { newId, nowIso } from "./ids.ts";

/** A remote attachment as a Document/Image/Video in a Note describes it. */
export interface RemoteMediaData {
  url: string;
  mediaType: string | null;
  description: string | null;
  blurhash: string | null;
  width: number | null;
  height: number | null;
  focus?: { x: number; y: number } | null;
}

/** Ties uploaded media to the status that uses them; only the uploader's own, unused media. */
export async function attachMedia(tx: Tx, accountId: string, statusId: string, mediaIds: string[]): Promise<void> {
  await claimMedia(tx, accountId, mediaIds, { status_id: statusId });
}

/**
 * Gives uploads to a status or to a scheduled post: only the uploader's own, not failed, and not
 * already used by a status or held by another scheduled post.
 */
export async function claimMedia(
  tx: Tx,
  accountId: string,
  mediaIds: string[],
  owner: { status_id: string } | { scheduled_status_id: string },
): Promise<void> {
  const unique = [...new Set(mediaIds)];
  if (!unique.length) return;
  const rows = await tx
    .selectFrom("media_attachments")
    .select(["id", "status_id", "scheduled_status_id", "state"])
    .where("id", "in", unique)
    .where("account_id", "=", accountId)
    .execute();
  if (rows.length !== unique.length || rows.some((r) => r.status_id !== null || r.scheduled_status_id !== null)) {
    throw new DomainError("invalid", "Media attachment not found or already used");
  }
  if (rows.some((r) => r.state === "failed")) throw new DomainError("invalid", "Media attachment failed to process");
  await tx.updateTable("media_attachments").set(owner).where("id", "in", unique).execute();
}

export function mediaTypeOf(mime: string | null): "image" | "gifv" | "video" | "audio" | "unknown" {
  if (!mime) return "unknown";
  if (mime === "image/gif") return "gifv";
  if (mime.startsWith("image/")) return "image";
  if (mime.startsWith("video/")) return "video";
  if (mime.startsWith("audio/")) return "audio";
  return "unknown";
}

export async function storeRemoteMedia(tx: Tx, accountId: string, statusId: string, media: RemoteMediaData[]): Promise<void> {
  const now = nowIso();
  const rows = media.slice(0, 16).map((m) => {
    const meta: Record<string, unknown> = {};
    if (m.width && m.height) {
      meta.original = { width: m.width, height: m.height, size: `${m.width}x${m.height}`, aspect: m.width / m.height };
    }
    if (m.focus) meta.focus = m.focus;
    return {
      id: newId(),
      account_id: accountId,
      status_id: statusId,
      type: mediaTypeOf(m.mediaType),
      file_path: null,
      preview_path: null,
      content_type: m.mediaType,
      remote_url: m.url,
      description: m.description,
      blurhash: m.blurhash,
      meta: JSON.stringify(meta),
      state: "ready",
      created_at: now,
    };
  });
  if (rows.length) await tx.insertInto("media_attachments").values(rows).execute();
}
