import type { Config } from "../config.ts";

/*
 * The URL layout of local objects, in one place: federation/ registers its dispatchers on
 * these same paths, and domain/ stores the resulting URIs. Mastodon's layout, so links
 * people paste (https://host/@alice/123) look familiar.
 */
export const paths = {
  actor: (username: string) => `/users/${username}`,
  inbox: (username: string) => `/users/${username}/inbox`,
  outbox: (username: string) => `/users/${username}/outbox`,
  followers: (username: string) => `/users/${username}/followers`,
  following: (username: string) => `/users/${username}/following`,
  featured: (username: string) => `/users/${username}/collections/featured`,
  status: (username: string, id: string) => `/users/${username}/statuses/${id}`,
  sharedInbox: () => `/inbox`,
  profile: (username: string) => `/@${username}`,
  statusPage: (username: string, id: string) => `/@${username}/${id}`,
  tag: (name: string) => `/tags/${encodeURIComponent(name)}`,
} as const;

export function localUrl(config: Pick<Config, "url">, path: string): string {
  return new URL(path, config.url).href;
}

export function localAccountUris(config: Pick<Config, "url">, username: string) {
  return {
    uri: localUrl(config, paths.actor(username)),
    url: localUrl(config, paths.profile(username)),
    inbox_url: localUrl(config, paths.inbox(username)),
    shared_inbox_url: localUrl(config, paths.sharedInbox()),
    outbox_url: localUrl(config, paths.outbox(username)),
    followers_url: localUrl(config, paths.followers(username)),
    following_url: localUrl(config, paths.following(username)),
    featured_url: localUrl(config, paths.featured(username)),
  };
}

export function localStatusUris(config: Pick<Config, "url">, username: string, id: string) {
  return { uri: localUrl(config, paths.status(username, id)), url: localUrl(config, paths.statusPage(username, id)) };
}

/** Where files under the data dir's media folder are served from. */
export const MEDIA_PATH_PREFIX = "/system/media/";

export function mediaFileUrl(config: Pick<Config, "url">, filePath: string): string {
  return new URL(MEDIA_PATH_PREFIX + filePath.split("/").map(encodeURIComponent).join("/"), config.url).href;
}

/*
 * Mastodon serves a placeholder for accounts without an avatar or header at these same paths;
 * some clients recognise `missing.png` and draw their own.
 */
export const MISSING_AVATAR_PATH = "/avatars/original/missing.png";
export const MISSING_HEADER_PATH = "/headers/original/missing.png";
/** The instance's preview image until an admin sets one. */
export const INSTANCE_THUMBNAIL_PATH = "/images/instance-thumbnail.png";

export function missingAvatarUrl(config: Pick<Config, "url">): string {
  return localUrl(config, MISSING_AVATAR_PATH);
}

export function missingHeaderUrl(config: Pick<Config, "url">): string {
  return localUrl(config, MISSING_HEADER_PATH);
}

export function instanceThumbnailUrl(config: Pick<Config, "url">): string {
  return localUrl(config, INSTANCE_THUMBNAIL_PATH);
}
