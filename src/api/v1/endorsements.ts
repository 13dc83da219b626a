import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { endorse, endorsementsOf, unendorse } from "../../domain/endorsements.ts";
import { loadAccounts, loadRelationships } from "../../domain/hydrate.ts";
import { setAccountNote } from "../../domain/relationship-extras.ts";
import { authenticate, currentAccount, optionalScope, requireScope, requireUser } from "../auth.ts";
import { readParams, stringParam } from "../body.ts";
import { serializeRelationship, type MastodonRelationship } from "../entities/relationship.ts";
import { notFound } from "../errors.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { accountsJson, pathId } from "./status-views.ts";

const ID = "{[0-9]+}";

/** The Relationship after a change here (loadRelationships carries note, endorsement and domain block). */
export async function relationshipJson(app: WeftApp, viewerId: string, targetId: string): Promise<MastodonRelationship> {
  const [rel] = await loadRelationships(app.ctx, viewerId, [targetId]);
  return serializeRelationship(rel);
}

/** Endorsed ("featured") accounts and private notes on accounts. */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);
  const write = [auth, requireScope("write:accounts"), requireUser] as const;

  const target = async (c: Context) => {
    const id = pathId(c);
    if (!(await loadAccounts(ctx, [id])).length) throw notFound();
    return { me: currentAccount(c).id, id };
  };

  // pin/unpin are the names Mastodon used before 4.4; clients still call them.
  for (const verb of ["endorse", "pin"]) {
    routes.post(`/api/v1/accounts/:id${ID}/${verb}`, ...write, async (c) => {
      const { me, id } = await target(c);
      await endorse(ctx, me, id);
      return c.json(await relationshipJson(app, me, id));
    });
  }
  for (const verb of ["unendorse", "unpin"]) {
    routes.post(`/api/v1/accounts/:id${ID}/${verb}`, ...write, async (c) => {
      const { me, id } = await target(c);
      await unendorse(ctx, me, id);
      return c.json(await relationshipJson(app, me, id));
    });
  }

  const pageOf = (c: Context) => parsePage(c, { defaultLimit: 40, maxLimit: 80 });

  routes.get("/api/v1/endorsements", auth, requireScope("read:accounts"), requireUser, async (c) => {
    const page = pageOf(c);
    const found = await endorsementsOf(ctx, currentAccount(c).id, page);
    setLinkHeader(c, config, found.keys, page);
    return c.json(await accountsJson(app, found.ids));
  });

  routes.get(`/api/v1/accounts/:id${ID}/endorsements`, auth, optionalScope("read:accounts"), async (c) => {
    const id = pathId(c);
    if (!(await loadAccounts(ctx, [id])).length) throw notFound();
    const page = pageOf(c);
    const found = await endorsementsOf(ctx, id, page);
    setLinkHeader(c, config, found.keys, page);
    return c.json(await accountsJson(app, found.ids));
  });

  routes.post(`/api/v1/accounts/:id${ID}/note`, ...write, async (c) => {
    const { me, id } = await target(c);
    await setAccountNote(ctx, me, id, stringParam((await readParams(c)).comment) ?? "");
    return c.json(await relationshipJson(app, me, id));
  });
}
