import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { normaliseId } from "../../domain/ids.ts";
import { createUpload, deleteUnattachedMedia, getOwnMedia, parseFocus, updateMedia } from "../../domain/media.ts";
import { MEDIA_LIMITS } from "../../domain/media-process.ts";
import { authenticate, currentAccount, requireScope, requireUser } from "../auth.ts";
import { readParams, stringParam, type Params } from "../body.ts";
import { serializeMediaAttachment } from "../entities/media.ts";
import { ApiError, unprocessable } from "../errors.ts";

const ID = "{[0-9]+}";
// Room for the multipart framing and the text fields around a file of the maximum size.
const UPLOAD_BODY_LIMIT = MEDIA_LIMITS.maxBytes + 64 * 1024;

function fileParam(params: Params): File {
  const file = params.file;
  if (!(file instanceof File)) throw unprocessable("File can't be blank");
  return file;
}

function focusParam(params: Params): { x: number; y: number } | null | undefined {
  const raw = stringParam(params.focus);
  if (raw === undefined) return undefined;
  return raw.trim() === "" ? null : parseFocus(raw);
}

/** POST /api/v2/media and its older twin /api/v1/media; MediaController in Mastodon. */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = [authenticate(app), requireScope("write:media"), requireUser] as const;

  const upload = async (c: Context) => {
    const params = await readParams(c, { maxBytes: UPLOAD_BODY_LIMIT });
    const file = fileParam(params);
    if (file.size > MEDIA_LIMITS.maxBytes) throw new ApiError(422, "Validation failed: File is larger than 16 MB");
    const row = await createUpload(ctx, {
      accountId: currentAccount(c).id,
      bytes: new Uint8Array(await file.arrayBuffer()),
      declaredType: file.type || null,
      description: stringParam(params.description) ?? null,
      focus: focusParam(params),
    });
    // Processed synchronously, so 200 with a URL (Mastodon answers 202 only while it still processes).
    return c.json(serializeMediaAttachment(row, config));
  };
  routes.post("/api/v2/media", ...auth, upload);
  routes.post("/api/v1/media", ...auth, upload);

  routes.get(`/api/v1/media/:id${ID}`, ...auth, async (c) => {
    const row = await getOwnMedia(ctx, currentAccount(c).id, normaliseId(c.req.param("id")));
    if (row.state === "failed") throw new ApiError(422, "Processing of the media attachment failed");
    const body = serializeMediaAttachment(row, config);
    if (row.state === "processing") return c.json({ ...body, url: null }, 206);
    return c.json(body);
  });

  routes.put(`/api/v1/media/:id${ID}`, ...auth, async (c) => {
    const params = await readParams(c);
    const change: { description?: string | null; focus?: { x: number; y: number } | null } = {};
    if (params.description !== undefined) change.description = stringParam(params.description) ?? null;
    const focus = focusParam(params);
    if (focus !== undefined) change.focus = focus;
    const row = await updateMedia(ctx, currentAccount(c).id, normaliseId(c.req.param("id")), change);
    return c.json(serializeMediaAttachment(row, config));
  });

  routes.delete(`/api/v1/media/:id${ID}`, ...auth, async (c) => {
    await deleteUnattachedMedia(ctx, currentAccount(c).id, normaliseId(c.req.param("id")));
    return c.json({});
  });
}
