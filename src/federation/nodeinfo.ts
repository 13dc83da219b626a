import type { Federation } from "@fedify/fedify";
import pkg from "../../package.json" with { type: "json" };
import type { Ctx } from "../domain/context.ts";
import { nodeInfoStats } from "../domain/nodeinfo-stats.ts";

/**
 * The Mastodon client API version Weft follows, as NodeInfo metadata. Kept equal to the
 * version /api/v1/instance claims compatibility with (api/entities/instance.ts).
 */
const MASTODON_API_VERSION = "4.3.0";

/**
 * NodeInfo 2.1 at /nodeinfo/2.1 (Fedify links it from /.well-known/nodeinfo).
 *
 * Client libraries pick their API flavour from NodeInfo. megalodon's `detector` (v10) knows a
 * few software names ("mastodon", "hometown" → Mastodon) and otherwise treats a server as
 * Mastodon when `metadata.upstream.name` is "mastodon", i.e. when it declares Mastodon's API
 * as the one it follows. Weft declares that there and keeps its own name in `software.name`,
 * so statistics sites and admins still see Weft, not a server pretending to be Mastodon.
 */
export function registerNodeInfo(federation: Federation<Ctx>): void {
  federation.setNodeInfoDispatcher("/nodeinfo/2.1", async (fctx) => {
    const stats = await nodeInfoStats(fctx.data);
    return {
      software: {
        name: "weft",
        version: pkg.version,
        homepage: new URL(fctx.data.config.url.origin),
      },
      protocols: ["activitypub"],
      services: { inbound: [], outbound: [] },
      openRegistrations: stats.openRegistrations,
      usage: {
        users: { total: stats.usersTotal, activeMonth: stats.activeMonth, activeHalfyear: stats.activeHalfyear },
        localPosts: stats.localPosts,
        localComments: 0,
      },
      metadata: {
        nodeName: stats.nodeName,
        nodeDescription: stats.nodeDescription,
        upstream: { name: "mastodon", version: MASTODON_API_VERSION },
      },
    };
  });
}
