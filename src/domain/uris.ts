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
