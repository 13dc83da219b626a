import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { blockAccount, muteAccount, unblockAccount, unmuteAccount } from "../../domain/blocks.ts";
import { authorizeFollowRequest, followAccount, rejectFollowRequest, unfollowAccount } from "../../domain/follows.ts";
import { loadAccounts, loadRelationships } from "../../domain/hydrate.ts";
import { blockedBy, followersOf, followingOf, followRequestsTo, mutedBy, type KeyedPage } from "../../domain/relation-lists.ts";
import type { Page } from "../../domain/pagination.ts";
import { authenticate, currentAccount, optionalScope, requireScope, requireUser } from "../auth.ts";
import { readParams } from "../body.ts";
import { serializeRelationship } from "../entities/relationship.ts";
import { notFound } from "../errors.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { boolParam, intParam } from "./status-params.ts";
import { accountsJson, pathId, viewerOf } from "./status-views.ts";

const ID = "{[0-9]+}";

/** Following, blocking and muting, and the account lists they make (Mastodon's relationship endpoints). */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);
  const as = (scope: string) => [auth, requireScope(scope), requireUser] as const;

  /** The account in the path must exist; what it is to the caller comes back as a Relationship. */
  const targetOf = async (c: Context) => {
    const id = pathId(c);
    if (!(await loadAccounts(ctx, [id])).length) throw notFound();
    return { me: currentAccount(c).id, id };
  };

  routes.post(`/api/v1/accounts/:id${ID}/follow`, ...as("write:follows"), async (c) => {
    const { me, id } = await targetOf(c);
    const params = await readParams(c);
    const rel = await followAccount(ctx, me, id, { reblogs: boolParam(params.reblogs), notify: boolParam(params.notify) });
    return c.json(serializeRelationship(rel));
  });

  routes.post(`/api/v1/accounts/:id${ID}/unfollow`, ...as("write:follows"), async (c) => {
    const { me, id } = await targetOf(c);
    return c.json(serializeRelationship(await unfollowAccount(ctx, me, id)));
  });

  routes.post(`/api/v1/accounts/:id${ID}/block`, ...as("write:blocks"), async (c) => {
    const { me, id } = await targetOf(c);
    return c.json(serializeRelationship(await blockAccount(ctx, me, id)));
  });

  routes.post(`/api/v1/accounts/:id${ID}/unblock`, ...as("write:blocks"), async (c) => {
    const { me, id } = await targetOf(c);
    return c.json(serializeRelationship(await unblockAccount(ctx, me, id)));
  });

  routes.post(`/api/v1/accounts/:id${ID}/mute`, ...as("write:mutes"), async (c) => {
    const { me, id } = await targetOf(c);
    const params = await readParams(c);
    const rel = await muteAccount(ctx, me, id, {
      notifications: boolParam(params.notifications),
      duration: intParam(params.duration, "Duration"),
    });
    return c.json(serializeRelationship(rel));
  });

  routes.post(`/api/v1/accounts/:id${ID}/unmute`, ...as("write:mutes"), async (c) => {
    const { me, id } = await targetOf(c);
    return c.json(serializeRelationship(await unmuteAccount(ctx, me, id)));
  });

  routes.post(`/api/v1/follow_requests/:id${ID}/authorize`, ...as("write:follows"), async (c) => {
    const { me, id } = await targetOf(c);
    return c.json(serializeRelationship(await authorizeFollowRequest(ctx, me, id)));
  });

  routes.post(`/api/v1/follow_requests/:id${ID}/reject`, ...as("write:follows"), async (c) => {
    const { me, id } = await targetOf(c);
    return c.json(serializeRelationship(await rejectFollowRequest(ctx, me, id)));
  });

  const accountPage = (c: Context, found: KeyedPage, page: Page) =>
    accountsJson(app, found.ids).then((json) => {
      setLinkHeader(c, config, found.keys, page);
      return c.json(json);
    });
  const pageOf = (c: Context) => parsePage(c, { defaultLimit: 40, maxLimit: 80 });

  routes.get("/api/v1/follow_requests", ...as("read:follows"), async (c) => {
    const page = pageOf(c);
    return accountPage(c, await followRequestsTo(ctx, currentAccount(c).id, page), page);
  });

  routes.get("/api/v1/blocks", ...as("read:blocks"), async (c) => {
    const page = pageOf(c);
    return accountPage(c, await blockedBy(ctx, currentAccount(c).id, page), page);
  });

  routes.get("/api/v1/mutes", ...as("read:mutes"), async (c) => {
    const page = pageOf(c);
    return accountPage(c, await mutedBy(ctx, currentAccount(c).id, page), page);
  });

  const graph = (list: typeof followersOf) => async (c: Context) => {
    const id = pathId(c);
    const [view] = await loadAccounts(ctx, [id]);
    if (!view) throw notFound();
    const viewer = viewerOf(c);
    // Hidden collections are shown to their owner only; everyone else gets an empty list.
    if (view.hideCollections && viewer !== id) return c.json([]);
    // An account that blocks the viewer shows them nobody, as on Mastodon.
    if (viewer && viewer !== id) {
      const [rel] = await loadRelationships(ctx, viewer, [id]);
      if (rel?.blockedBy) return c.json([]);
    }
    const page = pageOf(c);
    return accountPage(c, await list(ctx, id, page), page);
  };
  routes.get(`/api/v1/accounts/:id${ID}/followers`, auth, optionalScope("read:accounts"), graph(followersOf));
  routes.get(`/api/v1/accounts/:id${ID}/following`, auth, optionalScope("read:accounts"), graph(followingOf));
}
