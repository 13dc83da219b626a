import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import type { MediaRow } from "./hydrate.ts";
import { newId, nowIso } from "./ids.ts";
import { newMediaFolder, removeMediaFiles, writeMediaFile } from "./media-files.ts";
import { MEDIA_LIMITS, processUpload } from "./media-process.ts";

/*
 * Media uploaded by local accounts, before and after they are attached to a status.
 * Processing happens within the upload request (Mastodon 4 does the same for images), so a
 * row is "ready" or the upload failed; "processing" rows only come from elsewhere (remote
 * fetches) and the API answers 206 for them.
 */

export interface Focus {
  x: number;
  y: number;
}

export interface NewUpload {
  accountId: string;
  bytes: Uint8Array;
  declaredType: string | null;
  description?: string | null;
  focus?: Focus | null;
}

/** `"0.5,-0.25"` → {x: 0.5, y: -0.25}; anything else is a validation error. */
export function parseFocus(value: string): Focus {
  const parts = value.split(",").map((p) => Number(p.trim()));
  if (parts.length !== 2 || parts.some((n) => !Number.isFinite(n) || n < -1 || n > 1)) {
    throw new DomainError("invalid", "Focus must be two numbers between -1.0 and 1.0, comma-separated");
  }
  return { x: parts[0], y: parts[1] };
}

function checkDescription(description: string | null | undefined): string | null {
  if (description == null || description === "") return null;
  if ([...description].length > MEDIA_LIMITS.maxDescription) {
    throw new DomainError("invalid", `Description is too long (maximum is ${MEDIA_LIMITS.maxDescription} characters)`);
  }
  return description;
}

function dims(width: number, height: number) {
  return { width, height, size: `${width}x${height}`, aspect: width / height };
}

export async function createUpload(ctx: Ctx, input: NewUpload): Promise<MediaRow> {
  const description = checkDescription(input.description);
  const processed = await processUpload(input.bytes, input.declaredType);
  const id = newId();
  const folder = newMediaFolder(id);
  const filePath = `${folder}/original.${processed.original.ext}`;
  const previewPath = processed.small ? `${folder}/small.${processed.small.ext}` : null;
  await writeMediaFile(ctx.config, filePath, processed.original.bytes);
  if (processed.small && previewPath) await writeMediaFile(ctx.config, previewPath, processed.small.bytes);

  const meta: Record<string, unknown> = {};
  const o = processed.original;
  if (o.width && o.height) meta.original = dims(o.width, o.height);
  if (processed.small) meta.small = dims(processed.small.width, processed.small.height);
  if (input.focus) meta.focus = input.focus;
  const row: MediaRow = {
    id,
    account_id: input.accountId,
    status_id: null,
    scheduled_status_id: null,
    type: processed.kind,
    file_path: filePath,
    preview_path: previewPath,
    content_type: processed.contentType,
    remote_url: null,
    description,
    blurhash: processed.blurhash,
    meta: JSON.stringify(meta),
    state: "ready",
    created_at: nowIso(),
  };
  try {
    await ctx.db.insertInto("media_attachments").values(row).execute();
  } catch (err) {
    await removeMediaFiles(ctx.config, [filePath, previewPath]);
    throw err;
  }
  return row;
}

/** One of the account's own attachments; others' media does not exist for them. */
export async function getOwnMedia(ctx: Ctx, accountId: string, id: string): Promise<MediaRow> {
  const row = await ctx.db
    .selectFrom("media_attachments")
    .selectAll()
    .where("id", "=", id)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  if (!row) throw new DomainError("not_found", "Record not found");
  return row;
}

/**
 * Changes description and focus. Media already in a posted status only change through an edit
 * of that status (`allowAttached`), as on Mastodon.
 */
export async function updateMedia(
  ctx: Ctx,
  accountId: string,
  id: string,
  change: { description?: string | null; focus?: Focus | null },
  options: { allowAttached?: boolean } = {},
): Promise<MediaRow> {
  const row = await getOwnMedia(ctx, accountId, id);
  if (row.status_id && !options.allowAttached) throw new DomainError("not_found", "Record not found");
  const next: Partial<MediaRow> = {};
  if (change.description !== undefined) next.description = checkDescription(change.description);
  if (change.focus !== undefined) {
    const meta = JSON.parse(row.meta || "{}") as Record<string, unknown>;
    if (change.focus) meta.focus = change.focus;
    else delete meta.focus;
    next.meta = JSON.stringify(meta);
  }
  if (Object.keys(next).length === 0) return row;
  await ctx.db.updateTable("media_attachments").set(next).where("id", "=", id).execute();
  return { ...row, ...next };
}

/** Deletes an upload that no status uses yet, with its files. */
export async function deleteUnattachedMedia(ctx: Ctx, accountId: string, id: string): Promise<void> {
  const row = await getOwnMedia(ctx, accountId, id);
  if (row.status_id || row.scheduled_status_id) throw new DomainError("invalid", "Media attachment is currently used by a status");
  const deleted = await ctx.db
    .deleteFrom("media_attachments")
    .where("id", "=", id)
    .where("status_id", "is", null)
    .executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0) throw new DomainError("invalid", "Media attachment is currently used by a status");
  await removeMediaFiles(ctx.config, [row.file_path, row.preview_path]);
}

/**
 * After a status is deleted: its uploads are freed for a redraft (Mastodon's default), or
 * removed with their files when the author asked for that (`delete_media`).
 */
export async function afterStatusDeleted(ctx: Ctx, statusId: string, mode: "redraft" | "delete"): Promise<void> {
  const rows = await ctx.db
    .selectFrom("media_attachments")
    .select(["id", "file_path", "preview_path", "remote_url"])
    .where("status_id", "=", statusId)
    .execute();
  const own = rows.filter((r) => r.remote_url === null);
  if (!own.length) return;
  const ids = own.map((r) => r.id);
  if (mode === "redraft") {
    await ctx.db.updateTable("media_attachments").set({ status_id: null }).where("id", "in", ids).execute();
    return;
  }
  await ctx.db.deleteFrom("media_attachments").where("id", "in", ids).execute();
  await removeMediaFiles(ctx.config, own.flatMap((r) => [r.file_path, r.preview_path]));
}
