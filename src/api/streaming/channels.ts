import type { Ctx } from "../../domain/context.ts";
import { ownsList } from "../../domain/stream-audience.ts";
import { normaliseTag } from "../../domain/tags.ts";
import { scopeCovers } from "../oauth/scopes.ts";

/*
 * The streams a client can ask for, as Mastodon names them, and what each needs: a scope, a tag
 * or a list. Error wording is Mastodon's streaming server's, which clients show as they get it.
 */

export const CHANNEL_NAMES = [
  "user",
  "user:notification",
  "public",
  "public:media",
  "public:local",
  "public:local:media",
  "public:remote",
  "public:remote:media",
  "hashtag",
  "hashtag:local",
  "list",
  "direct",
] as const;

export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** Channels any signed-in token may read, whatever its scopes (still behind a token: docs/adr/0006-streaming.md). */
const PUBLIC_CHANNELS: ReadonlySet<string> = new Set([
  "public",
  "public:media",
  "public:local",
  "public:local:media",
  "public:remote",
  "public:remote:media",
  "hashtag",
  "hashtag:local",
]);

/** Who holds a connection: the token's account, for visibility and per-viewer rendering. */
export interface Viewer {
  accountId: string;
  tokenId: string;
  scopes: readonly string[];
}

export interface Channel {
  name: ChannelName;
  /**
   * Where the hub files subscribers: one key per source of events. Channels bound to an account
   * carry its id, so "who listens to alice's notifications" is one lookup.
   */
  key: string;
  /** what the channel is about: the account for user, user:notification and direct; the list for list */
  subject: string | null;
  /** what each message names as its `stream`, e.g. ["hashtag", "Cats"] (the tag as the client sent it) */
  streamName: string[];
}

export type ChannelResult = { ok: true; channel: Channel } | { ok: false; status: 401 | 404; error: string };

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === "string" && (CHANNEL_NAMES as readonly string[]).includes(name);
}

export function isPublicChannel(name: ChannelName): boolean {
  return PUBLIC_CHANNELS.has(name);
}

/**
 * `read` opens every stream; `read:statuses` every one but `user:notification`, which wants
 * `read:notifications`. (A user stream carries notifications only when the token may read them.)
 */
export function scopeAllows(scopes: readonly string[], name: ChannelName): boolean {
  if (isPublicChannel(name)) return true;
  return scopeCovers(scopes, name === "user:notification" ? "read:notifications" : "read:statuses");
}

/** Keys of the public channels a post lands in. */
export function publicKeys(local: boolean, withMedia: boolean): string[] {
  const where = local ? "public:local" : "public:remote";
  return withMedia ? ["public", where, "public:media", `${where}:media`] : ["public", where];
}

export function hashtagKeys(tag: string, local: boolean): string[] {
  return local ? [`hashtag:${tag}`, `hashtag:local:${tag}`] : [`hashtag:${tag}`];
}

function firstString(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === "string" ? v : v == null ? undefined : String(v);
}

/** Checks scope and parameters and names the channel; `params` are the query or the subscribe frame. */
export async function resolveChannel(
  ctx: Ctx,
  viewer: Viewer,
  rawName: unknown,
  params: Record<string, unknown>,
): Promise<ChannelResult> {
  const name = firstString(rawName);
  if (!isChannelName(name)) return { ok: false, status: 404, error: "Unknown stream type" };
  if (!scopeAllows(viewer.scopes, name)) {
    return { ok: false, status: 401, error: "Access token does not cover required scopes" };
  }
  const own = (key: string): ChannelResult => ({
    ok: true,
    channel: { name, key: `${key}:${viewer.accountId}`, subject: viewer.accountId, streamName: [name] },
  });
  switch (name) {
    case "user":
      return own("user");
    case "user:notification":
      return own("notification");
    case "direct":
      return own("direct");
    case "hashtag":
    case "hashtag:local": {
      const tag = firstString(params.tag);
      const normal = tag ? normaliseTag(tag) : "";
      if (!tag || !normal) return { ok: false, status: 404, error: "No tag for stream provided" };
      return { ok: true, channel: { name, key: `${name}:${normal}`, subject: null, streamName: [name, tag] } };
    }
    case "list": {
      const list = firstString(params.list);
      if (!list || !(await ownsList(ctx, viewer.accountId, list))) {
        return { ok: false, status: 404, error: "Not authorized to stream this list" };
      }
      return { ok: true, channel: { name, key: `list:${list}`, subject: list, streamName: [name, list] } };
    }
    default:
      return { ok: true, channel: { name, key: name, subject: null, streamName: [name] } };
  }
}

const TRUE_VALUES = new Set(["1", "true", "t", "on", "yes"]);

/** The channel an EventSource path names (`/api/v1/streaming/public/local?only_media=true`), if any. */
export function channelFromPath(pathname: string, onlyMedia: string | undefined): ChannelName | null {
  const media = onlyMedia !== undefined && TRUE_VALUES.has(onlyMedia.toLowerCase());
  const rest = pathname.replace(/^\/api\/v1\/streaming\/?/, "").replace(/\/$/, "");
  switch (rest) {
    case "user":
      return "user";
    case "user/notification":
      return "user:notification";
    case "public":
      return media ? "public:media" : "public";
    case "public/local":
      return media ? "public:local:media" : "public:local";
    case "public/remote":
      return media ? "public:remote:media" : "public:remote";
    case "hashtag":
      return "hashtag";
    case "hashtag/local":
      return "hashtag:local";
    case "list":
      return "list";
    case "direct":
      return "direct";
    default:
      return null;
  }
}
