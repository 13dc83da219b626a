import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { blockDomain, domainBlocksOf, unblockDomain } from "../../domain/domain-blocks.ts";
import { authenticate, currentAccount, requireScope, requireUser } from "../auth.ts";
import { readParams, stringParam } from "../body.ts";
import { unprocessable } from "../errors.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";

/** GET/POST/DELETE /api/v1/domain_blocks: the servers a user has blocked, as plain domain names. */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);

  routes.get("/api/v1/domain_blocks", auth, requireScope("read:blocks"), requireUser, async (c) => {
    const page = parsePage(c, { defaultLimit: 100, maxLimit: 200 });
    const found = await domainBlocksOf(ctx, currentAccount(c).id, page);
    setLinkHeader(c, config, found.keys, page);
    return c.json(found.domains);
  });

  const domainOf = async (c: Context) => {
    const domain = stringParam((await readParams(c)).domain)?.trim();
    if (!domain) throw unprocessable("Domain can't be blank");
    return domain;
  };

  routes.post("/api/v1/domain_blocks", auth, requireScope("write:blocks"), requireUser, async (c) => {
    await blockDomain(ctx, currentAccount(c).id, await domainOf(c));
    return c.json({});
  });

  routes.delete("/api/v1/domain_blocks", auth, requireScope("write:blocks"), requireUser, async (c) => {
    await unblockDomain(ctx, currentAccount(c).id, await domainOf(c));
    return c.json({});
  });
}
