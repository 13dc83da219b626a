import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { muteConversation, unmuteConversation } from "../../domain/conversation-mutes.ts";
import { pinStatus, unpinStatus } from "../../domain/pins.ts";
import { authenticate, currentAccount, requireScope, requireUser } from "../auth.ts";
import { pathId, statusJson, visibleStatus } from "./status-views.ts";

const ID = "{[0-9]+}";

/**
 * Pinning one's own posts to the profile, and muting a thread so that nothing in it notifies
 * the user any more. Each answers with the status as the user now sees it (`pinned`, `muted`).
 */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx } = app;
  const auth = authenticate(app);
  const as = (scope: string) => [auth, requireScope(scope), requireUser] as const;

  const target = async (c: Context) => {
    const me = currentAccount(c).id;
    return { me, status: await visibleStatus(app, pathId(c), me) };
  };

  routes.post(`/api/v1/statuses/:id${ID}/pin`, ...as("write:accounts"), async (c) => {
    const { me, status } = await target(c);
    await pinStatus(ctx, me, status.id);
    return c.json(await statusJson(app, status.id, me));
  });

  routes.post(`/api/v1/statuses/:id${ID}/unpin`, ...as("write:accounts"), async (c) => {
    const { me, status } = await target(c);
    await unpinStatus(ctx, me, status.id);
    return c.json(await statusJson(app, status.id, me));
  });

  // Muting a boost mutes the thread of what was boosted.
  const thread = async (c: Context) => {
    const { me, status } = await target(c);
    if (!status.reblog_of_id) return { me, status };
    const original = await visibleStatus(app, status.reblog_of_id, me);
    return { me, status: original };
  };

  routes.post(`/api/v1/statuses/:id${ID}/mute`, ...as("write:mutes"), async (c) => {
    const { me, status } = await thread(c);
    await muteConversation(ctx, me, status);
    return c.json(await statusJson(app, status.id, me));
  });

  routes.post(`/api/v1/statuses/:id${ID}/unmute`, ...as("write:mutes"), async (c) => {
    const { me, status } = await thread(c);
    await unmuteConversation(ctx, me, status);
    return c.json(await statusJson(app, status.id, me));
  });
}
