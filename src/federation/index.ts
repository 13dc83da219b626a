import { createFederation, type Federation, type KvStore, type MessageQueue } from "@fedify/fedify";
import type { Ctx } from "../domain/context.ts";

export type WeftFederation = Federation<Ctx>;

export interface FederationDeps {
  ctx: Ctx;
  kv: KvStore;
  queue: MessageQueue;
}

// Placeholder: dispatchers and inbox listeners are registered by the federation layer.
export async function buildFederation(deps: FederationDeps): Promise<WeftFederation> {
  return createFederation<Ctx>({
    kv: deps.kv,
    queue: deps.queue,
    origin: deps.ctx.config.url.origin,
    allowPrivateAddress: deps.ctx.config.allowPrivateAddress,
    manuallyStartQueue: true,
  });
}
