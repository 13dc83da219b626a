import { importJwk } from "@fedify/fedify";
import type { Ctx } from "../domain/context.ts";
import { loadStoredKeys } from "../domain/local-actor.ts";

/*
 * Importing a JWK is cheap but not free, and Fedify asks for the key pairs on every actor
 * fetch and every signed delivery; an account's keys never change, so they are kept.
 */
const cache = new Map<string, CryptoKeyPair[]>();
const CACHE_LIMIT = 5_000;

/**
 * The key pairs of a local account, RSA first: Fedify names the first `#main-key`, which is
 * the id Mastodon and most servers expect for HTTP Signatures; the Ed25519 one (`#key-2`)
 * signs Object Integrity Proofs.
 */
export async function localKeyPairs(ctx: Ctx, accountId: string): Promise<CryptoKeyPair[]> {
  const hit = cache.get(accountId);
  if (hit) return hit;
  const stored = await loadStoredKeys(ctx, accountId);
  if (!stored) return [];
  const pairs: CryptoKeyPair[] = [];
  for (const pair of [stored.rsa, stored.ed25519]) {
    if (!pair) continue;
    pairs.push({
      publicKey: await importJwk(pair.publicJwk, "public"),
      privateKey: await importJwk(pair.privateJwk, "private"),
    });
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(accountId, pairs);
  return pairs;
}
