import { test as nodeTest } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { KvKey, KvStore } from "@fedify/fedify";
import { ms } from "./duration.ts";

/**
 * What Fedify relies on from any KvStore, run against each of Weft's drivers.
 * `open()` gives a second store over the same backing data (another connection),
 * so compare-and-swap is exercised across connections, not just within one.
 */
export function kvContract(
  name: string,
  setup: () => Promise<{ store: KvStore; open(): Promise<KvStore> }>,
  options: { skip?: string | false } = {},
) {
  const test = (title: string, fn: () => Promise<void>) => nodeTest(title, { skip: options.skip }, fn);
  test(`${name}: reads back what was stored, and nothing after a delete`, async () => {
    const { store } = await setup();
    assert.equal(await store.get(["missing"]), undefined);
    await store.set(["doc", "https://remote.test/users/bob"], { name: "Bob", tags: ["x"], n: 1 });
    assert.deepEqual(await store.get(["doc", "https://remote.test/users/bob"]), { name: "Bob", tags: ["x"], n: 1 });
    await store.set(["doc", "https://remote.test/users/bob"], true);
    assert.equal(await store.get(["doc", "https://remote.test/users/bob"]), true);
    await store.delete(["doc", "https://remote.test/users/bob"]);
    assert.equal(await store.get(["doc", "https://remote.test/users/bob"]), undefined);
  });

  test(`${name}: a value past its ttl reads as absent and drops out of listings`, async () => {
    const { store } = await setup();
    await store.set(["ttl", "short"], "soon gone", { ttl: ms(150) });
    await store.set(["ttl", "long"], "stays", { ttl: ms(3_600_000) });
    assert.equal(await store.get(["ttl", "short"]), "soon gone");
    await sleep(300);
    assert.equal(await store.get(["ttl", "short"]), undefined);
    const listed = [];
    for await (const e of store.list(["ttl"])) listed.push(e.key);
    assert.deepEqual(listed, [["ttl", "long"]]);
    await store.set(["ttl", "short"], "back", {});
    assert.equal(await store.get(["ttl", "short"]), "back", "a later set without ttl lives on");
  });

  test(`${name}: compare-and-swap only replaces the expected value`, async () => {
    const { store } = await setup();
    const cas = store.cas!.bind(store);
    assert.equal(await cas(["lock"], undefined, { owner: "a" }), true, "absent matches undefined");
    assert.equal(await cas(["lock"], undefined, { owner: "b" }), false, "present does not match undefined");
    assert.equal(await cas(["lock"], { owner: "b" }, { owner: "c" }), false);
    assert.deepEqual(await store.get(["lock"]), { owner: "a" });
    assert.equal(await cas(["lock"], { owner: "a" }, { owner: "c" }), true);
    assert.deepEqual(await store.get(["lock"]), { owner: "c" });

    await store.set(["expired"], 1, { ttl: ms(50) });
    await sleep(150);
    assert.equal(await cas(["expired"], undefined, 2), true, "an expired value counts as absent");
    assert.equal(await store.get(["expired"]), 2);
  });

  test(`${name}: concurrent compare-and-swap increments from two connections lose no update`, async () => {
    const { store, open } = await setup();
    const other = await open();
    await store.set(["counter"], 0);
    const increment = async (s: KvStore) => {
      for (;;) {
        const n = (await s.get<number>(["counter"])) ?? 0;
        if (await s.cas!(["counter"], n, n + 1)) return;
      }
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => increment(i % 2 ? store : other)));
    assert.equal(await store.get(["counter"]), 12);
  });

  test(`${name}: listing by prefix returns exactly the keys under it`, async () => {
    const { store } = await setup();
    const keys: KvKey[] = [
      ["a"], ["a", "x"], ["a", "x", "y"], ["a", "z%"], ["ab"], ["a%"], ["a_"], ["a,"], ["a-"], ["b", "a"], ["a\"", "q"],
    ];
    for (const [i, k] of keys.entries()) await store.set(k, i);
    const list = async (prefix?: KvKey) => {
      const out: string[] = [];
      for await (const e of store.list(prefix)) out.push(JSON.stringify(e.key));
      return out.sort();
    };
    assert.deepEqual(await list(["a"]), ['["a","x","y"]', '["a","x"]', '["a","z%"]', '["a"]'].sort());
    assert.deepEqual(await list(["a", "x"]), ['["a","x","y"]', '["a","x"]'].sort());
    assert.deepEqual(await list(["a%"]), ['["a%"]']);
    assert.deepEqual(await list(["nothing"]), []);
    assert.equal((await list()).length >= keys.length, true);
    for await (const e of store.list(["b"])) assert.equal(e.value, 9, "entries carry their values");
  });
}
