import type { Federation, RequestContext } from "@fedify/fedify";
import { Endpoints, Hashtag, type Recipient } from "@fedify/vocab";
import type { Ctx } from "../domain/context.ts";
import { followersPage, followingPage, remoteFollowers } from "../domain/follows.ts";
import { findLocalActor } from "../domain/local-actor.ts";
import { localUrl, paths } from "../domain/uris.ts";
import { recentActivities } from "./objects.ts";
import { featuredNotes } from "./featured.ts";
import { featuredStatusIds } from "../domain/pins.ts";
import { signedIfSecure } from "./secure-mode.ts";

type Path = `${string}{identifier}${string}`;
const at = (p: string) => p as Path;

/** Mastodon's path; domain/ never stores it, so it lives here rather than in domain/uris.ts. */
const FEATURED_TAGS_PATH = "/users/{identifier}/collections/tags";

/** Pages start at the newest entry; this cursor means "from the top". */
const TOP = "top";

async function activeAccount(ctx: Ctx, identifier: string) {
  const found = await findLocalActor(ctx, identifier);
  return found?.state === "active" ? found.account : null;
}

/**
 * The collections an actor links to. Counts come from the denormalised columns the domain
 * keeps up to date. The followers dispatcher doubles as the fan-out list: with no cursor
 * Fedify asks for every recipient, and gets the remote followers with their shared inboxes so
 * sendActivity(..., "followers", { preferSharedInbox: true }) posts once per server.
 * In secure mode all of them answer only signed requests (secure-mode.ts).
 */
export function registerCollections(federation: Federation<Ctx>): void {
  federation
    .setFollowersDispatcher(at(paths.followers("{identifier}")), async (fctx, identifier, cursor, filter) => {
      const account = await activeAccount(fctx.data, identifier);
      if (!account) return null;
      if (cursor === null) {
        const followers = await remoteFollowers(fctx.data, account.id, filter?.origin);
        const items: Recipient[] = followers.map((f) => ({
          id: new URL(f.uri),
          inboxId: new URL(f.inboxUrl),
          endpoints: f.sharedInboxUrl ? new Endpoints({ sharedInbox: new URL(f.sharedInboxUrl) }) : null,
        }));
        return { items };
      }
      const page = await followersPage(fctx.data, account.id, cursor === TOP ? null : cursor);
      return { items: page.uris.map((u) => ({ id: new URL(u), inboxId: null })), nextCursor: page.next };
    })
    .setCounter(async (fctx, identifier) => (await activeAccount(fctx.data, identifier))?.followers_count ?? null)
    .setFirstCursor(async (fctx, identifier) => ((await activeAccount(fctx.data, identifier)) ? TOP : null))
    .authorize(signedIfSecure);

  federation
    .setFollowingDispatcher(at(paths.following("{identifier}")), async (fctx, identifier, cursor) => {
      const account = await activeAccount(fctx.data, identifier);
      if (!account) return null;
      const page = await followingPage(fctx.data, account.id, cursor === TOP || cursor === null ? null : cursor);
      return { items: page.uris.map((u) => new URL(u)), nextCursor: page.next };
    })
    .setCounter(async (fctx, identifier) => (await activeAccount(fctx.data, identifier))?.following_count ?? null)
    .setFirstCursor(firstCursor)
    .authorize(signedIfSecure);

  // The newest public Creates and Announces (objects.ts); older ones are reached post by post.
  federation
    .setOutboxDispatcher(at(paths.outbox("{identifier}")), async (fctx, identifier) => {
      const account = await activeAccount(fctx.data, identifier);
      return account ? { items: await recentActivities(fctx.data, account) } : null;
    })
    .setCounter(async (fctx, identifier) => (await activeAccount(fctx.data, identifier))?.statuses_count ?? null)
    .authorize(signedIfSecure);

  // The hashtags the account features on its profile (Mastodon's featuredTags), as Hashtag objects.
  federation
    .setFeaturedTagsDispatcher(at(FEATURED_TAGS_PATH), async (fctx, identifier) => {
      const account = await activeAccount(fctx.data, identifier);
      if (!account) return null;
      const tags = await fctx.data.db
        .selectFrom("featured_tags")
        .innerJoin("tags", "tags.id", "featured_tags.tag_id")
        .select(["tags.name", "tags.display_name"])
        .where("featured_tags.account_id", "=", account.id)
        .orderBy("featured_tags.id")
        .execute();
      const items = tags.map(
        (t) => new Hashtag({ href: new URL(localUrl(fctx.data.config, paths.tag(t.name))), name: `#${t.display_name || t.name}` }),
      );
      return { items };
    })
    .authorize(signedIfSecure);

  // Pinned posts (featured.ts).
  federation
    .setFeaturedDispatcher(at(paths.featured("{identifier}")), async (fctx, identifier) => {
      const account = await activeAccount(fctx.data, identifier);
      return account ? { items: await featuredNotes(fctx.data, account.id) } : null;
    })
    .setCounter(async (fctx, identifier) => {
      const account = await activeAccount(fctx.data, identifier);
      return account ? (await featuredStatusIds(fctx.data, account.id)).length : null;
    })
    .authorize(signedIfSecure);
}

async function firstCursor(fctx: RequestContext<Ctx>, identifier: string): Promise<string | null> {
  return (await activeAccount(fctx.data, identifier)) ? TOP : null;
}
