import { isDeepStrictEqual } from "node:util";
import type { Redis } from "ioredis";
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import { durationToMs } from "./duration.ts";

/**
 * Fedify's key-value store on Redis, for scale mode. A key is `<prefix>` + the key's JSON array
 * text; values are JSON; ttl is Redis's own expiry. Prefix listing SCANs for `["a",*` (glob
 * characters escaped) plus the exact key `["a"]`, mirroring DbKvStore.
 */
export class RedisKvStore implements KvStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, options: { prefix?: string } = {}) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? "weft:kv:";
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const text = await this.#redis.get(this.#k(key));
    return text == null ? undefined : (JSON.parse(text) as T);
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    if (value === undefined) return this.delete(key);
    const ttl = options?.ttl == null ? 0 : Math.max(1, Math.round(durationToMs(options.ttl)));
    if (ttl > 0) await this.#redis.set(this.#k(key), JSON.stringify(value), "PX", ttl);
    else await this.#redis.set(this.#k(key), JSON.stringify(value));
  }

  async delete(key: KvKey): Promise<void> {
    await this.#redis.del(this.#k(key));
  }

  /**
   * Read, compare in JS (as JSON would store the values), then write in a script only if the
   * key still holds exactly the text that was read; a lost race re-reads.
   */
  async cas(key: KvKey, expectedValue: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    const k = this.#k(key);
    const expected = expectedValue === undefined ? undefined : JSON.parse(JSON.stringify(expectedValue));
    const ttl = options?.ttl == null ? 0 : Math.max(1, Math.round(durationToMs(options.ttl)));
    for (;;) {
      const text = await this.#redis.get(k);
      const current = text == null ? undefined : JSON.parse(text);
      if (!isDeepStrictEqual(current, expected)) return false;
      const written = await this.#redis.eval(
        CAS_SCRIPT,
        1,
        k,
        text == null ? "absent" : "equals",
        text ?? "",
        newValue === undefined ? "delete" : "set",
        newValue === undefined ? "" : JSON.stringify(newValue),
        String(ttl),
      );
      if (written === 1) return true;
    }
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const keys = new Set<string>();
    let pattern = `${escapeGlob(this.#prefix)}*`;
    if (prefix != null && prefix.length > 0) {
      const exact = JSON.stringify(prefix);
      keys.add(this.#prefix + exact);
      pattern = `${escapeGlob(this.#prefix + exact.slice(0, -1))},*`;
    }
    let cursor = "0";
    do {
      const [next, found] = await this.#redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
      cursor = next;
      for (const k of found) keys.add(k);
    } while (cursor !== "0");
    const all = [...keys].sort();
    for (let i = 0; i < all.length; i += 200) {
      const batch = all.slice(i, i + 200);
      const values = await this.#redis.mget(...batch);
      for (const [j, text] of values.entries()) {
        if (text == null) continue;
        yield { key: JSON.parse(batch[j].slice(this.#prefix.length)) as KvKey, value: JSON.parse(text) };
      }
    }
  }

  #k(key: KvKey): string {
    return this.#prefix + JSON.stringify(key);
  }
}

// ARGV: expectation ("absent" | "equals"), expected text, action ("set" | "delete"), new text, ttl ms (0 = none)
const CAS_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == 'absent' then
  if cur then return 0 end
elseif cur ~= ARGV[2] then
  return 0
end
if ARGV[3] == 'delete' then
  redis.call('DEL', KEYS[1])
elseif tonumber(ARGV[5]) > 0 then
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
else
  redis.call('SET', KEYS[1], ARGV[4])
end
return 1
`;

function escapeGlob(s: string): string {
  return s.replace(/[\\*?[\]]/g, (c) => `\\${c}`);
}
