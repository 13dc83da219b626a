import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { Tx } from "../db/index.ts";
import { enqueueJob } from "../jobs/outbox.ts";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";
import { authorizeFollowRequest } from "./follows.ts";
import { nowIso } from "./ids.ts";
import { removeMediaFiles, writeMediaFile } from "./media-files.ts";
import { processUpload } from "./media-process.ts";
import { countCharacters } from "./text/index.ts";
import { inTx } from "./tx.ts";
import { loadSharp } from "./sharp.ts";
import type { Visibility } from "./visibility.ts";

/*
 * A local account's own profile and settings: what update_credentials changes. Images are
 * decoded and re-encoded by media-process (no EXIF, no GPS), then cropped to Mastodon's sizes.
 * Changes that other servers show are announced with Update(Person); switching fediverse
 * sharing off tells every server that knew the account to forget it.
 */

export const PROFILE_LIMITS = {
  displayName: 30,
  note: 500,
  fields: 4,
  fieldName: 255,
  fieldValue: 255,
} as const;

const IMAGE_SIZES = { avatar: { width: 400, height: 400 }, header: { width: 1500, height: 500 } } as const;

export interface ImageUpload {
  bytes: Uint8Array;
  declaredType: string | null;
}

export interface ProfileChange {
  displayName?: string;
  note?: string;
  locked?: boolean;
  bot?: boolean;
  discoverable?: boolean;
  indexable?: boolean;
  hideCollections?: boolean;
  fields?: Array<{ name: string; value: string }>;
  /** null removes the image */
  avatar?: ImageUpload | null;
  header?: ImageUpload | null;
  privacy?: Exclude<Visibility, "direct">;
  sensitive?: boolean;
  language?: string | null;
  /** Weft's per-account switch for federation (accounts.federating) */
  fediverseSharing?: boolean;
}

/** How stored media paths become public URLs and back; the API layer knows the URL layout. */
export interface MediaUrls {
  urlOf(path: string): string;
  /** the stored path behind one of our own media URLs, else null */
  pathOf(url: string): string | null;
}

/** The user settings this module reads and writes (users.settings JSON). */
export interface UserSettings {
  default_visibility?: Visibility;
  default_sensitive?: boolean;
  default_language?: string | null;
  hide_collections?: boolean;
  [key: string]: unknown;
}

export function parseSettings(text: string | null | undefined): UserSettings {
  try {
    const v = JSON.parse(text ?? "{}");
    return v && typeof v === "object" && !Array.isArray(v) ? (v as UserSettings) : {};
  } catch {
    return {};
  }
}

export async function userSettings(ctx: Ctx, accountId: string): Promise<UserSettings> {
  const row = await ctx.db.selectFrom("users").select("settings").where("account_id", "=", accountId).executeTakeFirst();
  return parseSettings(row?.settings);
}

const invalid = (msg: string) => new DomainError("invalid", msg);

function checkText(change: ProfileChange): void {
  if (change.displayName !== undefined && [...change.displayName].length > PROFILE_LIMITS.displayName) {
    throw invalid(`Display name is too long (maximum is ${PROFILE_LIMITS.displayName} characters)`);
  }
  if (change.note !== undefined && countCharacters(change.note) > PROFILE_LIMITS.note) {
    throw invalid(`Note is too long (maximum is ${PROFILE_LIMITS.note} characters)`);
  }
  if (change.fields) {
    if (change.fields.length > PROFILE_LIMITS.fields) throw invalid(`Fields is too long (maximum is ${PROFILE_LIMITS.fields} items)`);
    for (const f of change.fields) {
      if ([...f.name].length > PROFILE_LIMITS.fieldName || [...f.value].length > PROFILE_LIMITS.fieldValue) {
        throw invalid(`Fields are too long (maximum is ${PROFILE_LIMITS.fieldName} characters each)`);
      }
    }
  }
}

interface StoredImage {
  path: string;
}

/** Decodes, strips and crops an avatar or header; returns the stored file's path. */
async function storeImage(ctx: Ctx, accountId: string, kind: "avatar" | "header", upload: ImageUpload): Promise<StoredImage> {
  const processed = await processUpload(upload.bytes, upload.declaredType);
  if (processed.kind !== "image") throw invalid(`${kind === "avatar" ? "Avatar" : "Header"} must be an image`);
  const { width, height } = IMAGE_SIZES[kind];
  // Still images only: an animation keeps its first frame.
  const sharp = await loadSharp();
  const base = sharp(processed.original.bytes).resize(width, height, { fit: "cover", withoutEnlargement: false });
  const hasAlpha = (await sharp(processed.original.bytes).metadata()).hasAlpha;
  const bytes = await (hasAlpha ? base.png({ compressionLevel: 8 }) : base.jpeg({ quality: 90, mozjpeg: true })).toBuffer();
  const path = `accounts/${accountId}/${kind}-${randomBytes(9).toString("base64url")}.${hasAlpha ? "png" : "jpg"}`;
  await writeMediaFile(ctx.config, path, bytes);
  return { path };
}

/**
 * Applies `change` to a local account. Returns once the change is committed; deliveries go out
 * from the queue afterwards.
 */
export async function updateProfile(ctx: Ctx, accountId: string, change: ProfileChange, media: MediaUrls): Promise<void> {
  checkText(change);
  const current = await ctx.db
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .selectAll("accounts")
    .select("users.settings")
    .where("accounts.id", "=", accountId)
    .where("accounts.domain", "is", null)
    .where("accounts.deleted_at", "is", null)
    .executeTakeFirst();
  if (!current) throw new DomainError("not_found", "Record not found");

  const written: string[] = [];
  const images: { avatar_url?: string | null; header_url?: string | null } = {};
  try {
    for (const kind of ["avatar", "header"] as const) {
      const upload = change[kind];
      if (upload === undefined) continue;
      if (upload === null) {
        images[`${kind}_url`] = null;
        continue;
      }
      const stored = await storeImage(ctx, accountId, kind, upload);
      written.push(stored.path);
      images[`${kind}_url`] = media.urlOf(stored.path);
    }
  } catch (err) {
    await removeMediaFiles(ctx.config, written);
    throw err;
  }

  const account: Record<string, string | number | null> = {};
  if (change.displayName !== undefined) account.display_name = change.displayName.trim();
  // Multipart bodies bring CRLF line breaks; the bio is kept with plain newlines.
  if (change.note !== undefined) account.note = change.note.replace(/\r\n?/g, "\n");
  if (change.locked !== undefined) account.locked = change.locked ? 1 : 0;
  if (change.bot !== undefined) account.bot = change.bot ? 1 : 0;
  if (change.discoverable !== undefined) account.discoverable = change.discoverable ? 1 : 0;
  if (change.indexable !== undefined) account.indexable = change.indexable ? 1 : 0;
  if (change.fields !== undefined) {
    const before = parseFieldsJson(current.fields);
    const fields = change.fields
      .filter((f) => f.name.trim() !== "" || f.value.trim() !== "")
      .map((f) => {
        // A link already verified stays verified while the field is unchanged.
        const same = before.find((b) => b.name === f.name && b.value === f.value);
        return { name: f.name, value: f.value, verified_at: same?.verified_at ?? null };
      });
    account.fields = JSON.stringify(fields);
  }
  Object.assign(account, images);
  const actorChanged = Object.keys(account).some((k) => current[k as keyof typeof current] !== account[k]);

  const settings = parseSettings(current.settings);
  const before = JSON.stringify(settings);
  if (change.privacy !== undefined) settings.default_visibility = change.privacy;
  if (change.sensitive !== undefined) settings.default_sensitive = change.sensitive;
  if (change.language !== undefined) settings.default_language = change.language;
  if (change.hideCollections !== undefined) settings.hide_collections = change.hideCollections;

  const wasFederating = current.federating === 1;
  const federating = change.fediverseSharing ?? wasFederating;
  const unlocked = current.locked === 1 && account.locked === 0;

  try {
    await inTx(ctx, async (tx) => {
      if (Object.keys(account).length || federating !== wasFederating) {
        await tx
          .updateTable("accounts")
          .set({ ...account, federating: federating ? 1 : 0, updated_at: nowIso() })
          .where("id", "=", accountId)
          .execute();
      }
      if (JSON.stringify(settings) !== before) {
        await tx.updateTable("users").set({ settings: JSON.stringify(settings) }).where("account_id", "=", accountId).execute();
      }
      if (wasFederating && !federating) await stopFederating(tx, accountId, current.uri);
      else if (federating && actorChanged) {
        await enqueueJob(tx, { kind: "deliver", activity: { type: "UpdateActor", accountId } });
      }
    });
  } catch (err) {
    await removeMediaFiles(ctx.config, written);
    throw err;
  }

  // Replaced images are ours to delete once nothing points at them.
  const replaced = (["avatar_url", "header_url"] as const)
    .filter((k) => k in images && current[k])
    .map((k) => media.pathOf(current[k]!));
  await removeMediaFiles(ctx.config, replaced);

  // Unlocking lets the waiting follow requests through, as Mastodon does.
  if (unlocked) {
    const waiting = await ctx.db.selectFrom("follow_requests").select("account_id").where("target_account_id", "=", accountId).execute();
    for (const r of waiting) await authorizeFollowRequest(ctx, accountId, r.account_id).catch(() => {});
  }
}

function parseFieldsJson(text: string): Array<{ name: string; value: string; verified_at: string | null }> {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/**
 * Fediverse sharing switched off: every server that follows or is followed by the account gets
 * a Delete of the actor (so it drops the account and what it had of its posts), and the
 * follows with remote accounts end here, each with its Undo or Reject. Local follows stay.
 */
async function stopFederating(tx: Tx, accountId: string, uri: string): Promise<void> {
  const inbox = sql<string>`coalesce(accounts.shared_inbox_url, accounts.inbox_url)`;
  const remoteFollowers = tx
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.account_id")
    .select(["accounts.id as remote_id", inbox.as("inbox")])
    .where("follows.target_account_id", "=", accountId)
    .where("accounts.domain", "is not", null);
  const remoteFollowed = tx
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.target_account_id")
    .select(["accounts.id as remote_id", inbox.as("inbox"), "follows.id as follow_id", "follows.uri as follow_uri"])
    .where("follows.account_id", "=", accountId)
    .where("accounts.domain", "is not", null);
  const requests = tx
    .selectFrom("follow_requests")
    .innerJoin("accounts", (j) =>
      j.on((eb) =>
        eb.or([
          eb.and([eb("follow_requests.account_id", "=", accountId), eb("accounts.id", "=", eb.ref("follow_requests.target_account_id"))]),
          eb.and([eb("follow_requests.target_account_id", "=", accountId), eb("accounts.id", "=", eb.ref("follow_requests.account_id"))]),
        ]),
      ),
    )
    .select([
      "accounts.id as remote_id",
      inbox.as("inbox"),
      "follow_requests.id as request_id",
      "follow_requests.uri as request_uri",
      "follow_requests.account_id as requester_id",
    ])
    .where("accounts.domain", "is not", null);
  const [followers, followed, pending] = await Promise.all([remoteFollowers.execute(), remoteFollowed.execute(), requests.execute()]);
  // Each follow it ends is ended the ordinary way too (queued first, while the other server still
  // knows the actor): Undo for its own follows and requests, Reject for requests to it.
  for (const f of followed) {
    const follow = { accountId, targetAccountId: f.remote_id, uri: f.follow_uri ?? `${uri}#follows/${f.follow_id}` };
    await enqueueJob(tx, { kind: "deliver", activity: { type: "UndoFollow", ...follow } });
  }
  for (const r of pending) {
    const activity =
      r.requester_id === accountId
        ? ({ type: "UndoFollow", accountId, targetAccountId: r.remote_id, uri: r.request_uri ?? `${uri}#follows/${r.request_id}` } as const)
        : ({ type: "RejectFollow", accountId, followerId: r.remote_id, followUri: r.request_uri } as const);
    await enqueueJob(tx, { kind: "deliver", activity });
  }
  const inboxes = [...new Set([...followers, ...followed, ...pending].map((r) => r.inbox).filter((x): x is string => !!x))];
  if (inboxes.length) {
    await enqueueJob(tx, { kind: "deliver", activity: { type: "DeleteActor", accountId, uri, inboxes } });
  }

  const followerIds = followers.map((r) => r.remote_id);
  const followedIds = followed.map((r) => r.remote_id);
  const pendingIds = pending.map((r) => r.remote_id);
  if (followerIds.length) {
    await tx.deleteFrom("follows").where("target_account_id", "=", accountId).where("account_id", "in", followerIds).execute();
    await tx
      .updateTable("accounts")
      .set({ following_count: sql<number>`CASE WHEN following_count > 0 THEN following_count - 1 ELSE 0 END` })
      .where("id", "in", followerIds)
      .execute();
  }
  if (followedIds.length) {
    await tx.deleteFrom("follows").where("account_id", "=", accountId).where("target_account_id", "in", followedIds).execute();
    await tx
      .updateTable("accounts")
      .set({ followers_count: sql<number>`CASE WHEN followers_count > 0 THEN followers_count - 1 ELSE 0 END` })
      .where("id", "in", followedIds)
      .execute();
    await tx.deleteFrom("home_feed").where("account_id", "=", accountId).where("author_id", "in", followedIds).execute();
  }
  if (pendingIds.length) {
    await tx
      .deleteFrom("follow_requests")
      .where((eb) =>
        eb.or([
          eb.and([eb("account_id", "=", accountId), eb("target_account_id", "in", pendingIds)]),
          eb.and([eb("target_account_id", "=", accountId), eb("account_id", "in", pendingIds)]),
        ]),
      )
      .execute();
  }
  await tx
    .updateTable("accounts")
    .set({
      followers_count: sql<number>`CASE WHEN followers_count > ${followerIds.length} THEN followers_count - ${followerIds.length} ELSE 0 END`,
      following_count: sql<number>`CASE WHEN following_count > ${followedIds.length} THEN following_count - ${followedIds.length} ELSE 0 END`,
    })
    .where("id", "=", accountId)
    .execute();
}
