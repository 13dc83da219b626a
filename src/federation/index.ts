import { createExponentialBackoffPolicy, createFederation, type Federation, type FederationQueueOptions, type KvStore, type MessageQueue } from "@fedify/fedify";
import type { Ctx } from "../domain/context.ts";
import { registerActor } from "./actor.ts";
import { registerCollections } from "./collections.ts";
import { registerInbox } from "./inbox/index.ts";
import { registerNodeInfo } from "./nodeinfo.ts";
import { registerStatusObjects } from "./objects.ts";

export type WeftFederation = Federation<Ctx>;

export interface FederationDeps {
  ctx: Ctx;
  kv: KvStore;
  /** one queue for everything, or separate ones for inbox, outbox and fan-out */
  queue: MessageQueue | FederationQueueOptions;
}

/**
 * The Fedify side of Weft: actors, their collections, inboxes, WebFinger and NodeInfo, on the
 * paths of domain/uris.ts. Registration is explicit, here, in one place.
 */
export async function buildFederation(deps: FederationDeps): Promise<WeftFederation> {
  const federation = createFederation<Ctx>({
    kv: deps.kv,
    queue: deps.queue,
    origin: deps.ctx.config.url.origin,
    allowPrivateAddress: deps.ctx.config.allowPrivateAddress,
    manuallyStartQueue: true,
    // Mastodon keeps retrying a dead server for two to three days; Fedify's default gives up
    // after about 17 minutes. 10 s doubling to 8 h, 20 attempts: about three days in all.
    outboxRetryPolicy: createExponentialBackoffPolicy({ initialDelay: { seconds: 10 }, maxDelay: { hours: 8 }, maxAttempts: 20 }),
  });
  registerActor(federation);
  registerCollections(federation);
  registerNodeInfo(federation);
  registerInbox(federation);
  registerStatusObjects(federation);
  return federation;
}
