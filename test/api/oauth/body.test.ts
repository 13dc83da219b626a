import { test } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { readParams, type ReadParamsOptions } from "../../../src/api/body.ts";
import { renderError } from "../../../src/api/errors.ts";
import { createLogger } from "../../../src/logger.ts";

function echo(options?: ReadParamsOptions): Hono {
  const hono = new Hono();
  hono.onError((err, c) => renderError(err, c, createLogger("silent")));
  hono.all("/echo", async (c) => {
    const params = await readParams(c, options);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(params)) out[k] = v instanceof File ? { file: v.name, size: v.size, type: v.type } : v;
    return c.json(out);
  });
  return hono;
}

async function send(body: BodyInit, headers: Record<string, string> = {}, path = "/echo", options?: ReadParamsOptions) {
  const res = await echo(options).request(`http://weft.test${path}`, { method: "POST", body, headers });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test("reads a JSON body as it came, numbers, nulls and nested objects included", async () => {
  const { status, json } = await send(JSON.stringify({ status: "hi", media_ids: ["1", "2"], poll: { options: ["a", "b"], expires_in: 300 }, in_reply_to_id: null }), {
    "content-type": "application/json; charset=utf-8",
  });
  assert.equal(status, 200);
  assert.deepEqual(json, { status: "hi", media_ids: ["1", "2"], poll: { options: ["a", "b"], expires_in: 300 }, in_reply_to_id: null });
});

test("expands Rails-style keys in a urlencoded form", async () => {
  const form = "scopes[]=read&scopes[]=write&poll[options][]=yes&poll[options][]=no&poll[expires_in]=600"
    + "&fields_attributes[0][name]=Site&fields_attributes[0][value]=x&fields_attributes[1][name]=Pronouns&status=a+b%26c";
  const { json } = await send(form, { "content-type": "application/x-www-form-urlencoded" });
  assert.deepEqual(json, {
    scopes: ["read", "write"],
    poll: { options: ["yes", "no"], expires_in: "600" },
    fields_attributes: [{ name: "Site", value: "x" }, { name: "Pronouns" }],
    status: "a b&c",
  });
});

test("reads multipart bodies with files and indexed arrays as masto.js sends them", async () => {
  const form = new FormData();
  form.append("description", "a cat");
  form.append("media_ids[0]", "10");
  form.append("media_ids[1]", "11");
  form.append("file", new File([new Uint8Array(5)], "cat.png", { type: "image/png" }));
  const { status, json } = await send(form);
  assert.equal(status, 200);
  assert.deepEqual(json, { description: "a cat", media_ids: ["10", "11"], file: { file: "cat.png", size: 5, type: "image/png" } });
});

test("merges query parameters, the body winning on a clash", async () => {
  const { json } = await send(JSON.stringify({ a: "body" }), { "content-type": "application/json" }, "/echo?a=query&types[]=mention&b=2");
  assert.deepEqual(json, { a: "body", types: ["mention"], b: "2" });
});

test("array of objects in the Rails `a[][k]` form starts a new element when a key repeats", async () => {
  const { json } = await send("f[][name]=a&f[][value]=1&f[][name]=b&f[][value]=2", { "content-type": "application/x-www-form-urlencoded" });
  assert.deepEqual(json, { f: [{ name: "a", value: "1" }, { name: "b", value: "2" }] });
});

test("answers malformed JSON with 400 and a Mastodon error body", async () => {
  const { status, json } = await send("{\"status\": ", { "content-type": "application/json" });
  assert.equal(status, 400);
  assert.equal(typeof json.error, "string");
  const notObject = await send("[1,2]", { "content-type": "application/json" });
  assert.equal(notObject.status, 400);
});

test("refuses bodies over the limit with 413", async () => {
  const big = JSON.stringify({ status: "x".repeat(1024 * 1024) });
  const { status, json } = await send(big, { "content-type": "application/json" });
  assert.equal(status, 413);
  assert.equal(typeof json.error, "string");

  const form = new FormData();
  form.append("file", new File([new Uint8Array(2048)], "a.bin"));
  const encoded = new Response(form);
  const bytes = new Uint8Array(await encoded.arrayBuffer());
  const type = encoded.headers.get("content-type")!;
  assert.equal((await send(bytes, { "content-type": type }, "/echo", { maxBytes: 1024 })).status, 413);
  // Multipart has a larger default limit (media uploads).
  const media = new FormData();
  media.append("file", new File([new Uint8Array(2 * 1024 * 1024)], "a.bin"));
  assert.equal((await send(media)).status, 200);
});

test("ignores keys that would reach Object.prototype", async () => {
  const { json } = await send("__proto__[admin]=1&a[constructor][x]=1&ok=1", { "content-type": "application/x-www-form-urlencoded" });
  assert.deepEqual(json, { ok: "1" });
  assert.equal(({} as Record<string, unknown>).admin, undefined);
  const fromJson = await send('{"__proto__": {"admin": 1}, "ok": 1}', { "content-type": "application/json" });
  assert.deepEqual(fromJson.json, { ok: 1 });
});

test("a body-less GET yields the query string alone", async () => {
  const res = await echo().request("http://weft.test/echo?limit=20&exclude_types[]=follow");
  assert.deepEqual(await res.json(), { limit: "20", exclude_types: ["follow"] });
});
