import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { findAccountByHandle } from "../../domain/accounts.ts";
import { loadAccounts, loadRelationships, loadStatuses } from "../../domain/hydrate.ts";
import { normaliseId } from "../../domain/ids.ts";
import { accountStatuses } from "../../domain/timelines.ts";
import { pinnedStatusIds } from "../../domain/pins.ts";
import { authenticate, currentAccount, currentAuth, optionalScope, requireScope, requireUser } from "../auth.ts";
import { serializeAccount } from "../entities/account.ts";
import { serializeRelationship } from "../entities/relationship.ts";
import { serializeStatus } from "../entities/status.ts";
import { notFound } from "../errors.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { credentialAccountJson } from "./credentials.ts";

const ID = "{[0-9]+}";

/** Rails-style truthiness, as Mastodon reads boolean query parameters. */
export function flag(value: string | undefined): boolean {
  return value !== undefined && ["1", "true", "t", "on", "yes"].includes(value.toLowerCase());
}

function viewerId(c: Context): string | null {
  return currentAuth(c)?.account?.id ?? null;
}

export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);

  routes.get("/api/v1/accounts/verify_credentials", auth, requireScope("read:accounts", "profile"), requireUser, async (c) => {
    return c.json(await credentialAccountJson(app, currentAccount(c).id));
  });

  routes.get("/api/v1/accounts/relationships", auth, requireScope("read:follows"), requireUser, async (c) => {
    const ids = [...(c.req.queries("id[]") ?? []), ...(c.req.queries("id") ?? [])].filter((id) => /^\d+$/.test(id)).map(normaliseId);
    // Unknown ids are left out, as on Mastodon.
    const known = (await loadAccounts(ctx, ids)).map((a) => a.account.id);
    const rels = await loadRelationships(ctx, currentAccount(c).id, known);
    return c.json(rels.map(serializeRelationship));
  });

  routes.get("/api/v1/accounts/lookup", auth, optionalScope("read:accounts"), async (c) => {
    const handle = (c.req.query("acct") ?? "").trim().replace(/^@/, "");
    const [username, domain = null] = handle.split("@");
    if (!username) throw notFound();
    const row = await findAccountByHandle(ctx, username, domain);
    const view = row ? (await loadAccounts(ctx, [row.id]))[0] : undefined;
    if (!view) throw notFound();
    return c.json(serializeAccount(view, config));
  });

  routes.get(`/api/v1/accounts/:id${ID}`, auth, optionalScope("read:accounts"), async (c) => {
    const view = (await loadAccounts(ctx, [normaliseId(c.req.param("id"))]))[0];
    if (!view) throw notFound();
    return c.json(serializeAccount(view, config));
  });

  routes.get(`/api/v1/accounts/:id${ID}/statuses`, auth, optionalScope("read:statuses"), async (c) => {
    const view = (await loadAccounts(ctx, [normaliseId(c.req.param("id"))]))[0];
    if (!view) throw notFound();
    const viewer = viewerId(c);
    const page = parsePage(c);
    // An account that blocks the viewer shows them nothing.
    if (viewer && viewer !== view.account.id) {
      const [rel] = await loadRelationships(ctx, viewer, [view.account.id]);
      if (rel?.blockedBy) return c.json([]);
    }
    if (flag(c.req.query("pinned"))) {
      const pinned = await loadStatuses(ctx, await pinnedStatusIds(ctx, view.account.id, viewer, page), viewer);
      return c.json(pinned.map((s) => serializeStatus(s, config)));
    }
    const ids = await accountStatuses(
      ctx,
      view.account.id,
      {
        viewerId: viewer,
        onlyMedia: flag(c.req.query("only_media")),
        excludeReplies: flag(c.req.query("exclude_replies")),
        excludeReblogs: flag(c.req.query("exclude_reblogs")),
        tagged: c.req.query("tagged") || null,
      },
      page,
    );
    const statuses = await loadStatuses(ctx, ids, viewer);
    setLinkHeader(c, config, ids, page);
    return c.json(statuses.map((s) => serializeStatus(s, config)));
  });
}
