import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { serve, type ServerType } from "@hono/node-server";
import { createWeftApp } from "../../src/app.ts";
import { clientAddressOf } from "../../src/api/rate-limit.ts";
import { createHttpApp } from "../../src/http.ts";
import { testDialect } from "../helpers/db.ts";
import { makeUser, tokenFor, type ApiServer } from "./posting-support.ts";
import { startServerWith } from "./misc-support.ts";

// WEFT_RATE_LIMIT_SCALE=0.01 turns Mastodon's 300 requests per token into 3, sign-ups into 1.
const SCALE = { WEFT_RATE_LIMIT_SCALE: "0.01" };

describe(`rate limits (${testDialect()})`, () => {
  let server: ApiServer;
  before(async () => {
    server = await startServerWith(SCALE);
  });
  after(async () => server?.close());

  it("counts down X-RateLimit-Remaining per token and answers 429 past the limit", async () => {
    const alice = await makeUser(server, "alice");
    const seen: string[] = [];
    let reset = "";
    for (let i = 0; i < 3; i++) {
      const res = await alice.call("GET", "/api/v1/accounts/verify_credentials");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("x-ratelimit-limit"), "3");
      seen.push(res.headers.get("x-ratelimit-remaining")!);
      reset = res.headers.get("x-ratelimit-reset")!;
    }
    assert.deepEqual(seen, ["2", "1", "0"]);
    assert.ok(Date.parse(reset) > Date.now(), "the reset time is in the future");
    assert.equal(new Date(reset).toISOString(), reset, "the reset time is an ISO 8601 timestamp");

    const refused = await alice.call("GET", "/api/v1/accounts/verify_credentials");
    assert.equal(refused.status, 429);
    assert.deepEqual(await refused.json(), { error: "Too many requests" });
    assert.equal(refused.headers.get("x-ratelimit-remaining"), "0");
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);

    // Another token of the same user has a counter of its own.
    const other = await tokenFor(server, alice.account.id, "read");
    const res = await fetch(`${server.url}/api/v1/accounts/verify_credentials`, { headers: { authorization: `Bearer ${other}` } });
    assert.equal(res.status, 200);
  });

  it("throttles anonymous callers by the address a local proxy forwards, and spares loopback", async () => {
    for (let i = 0; i < 5; i++) {
      const direct = await fetch(`${server.url}/api/v1/instance`);
      assert.equal(direct.status, 200, "loopback itself is never throttled");
    }
    const from = (ip: string) => fetch(`${server.url}/api/v1/instance`, { headers: { "x-forwarded-for": ip } });
    for (let i = 0; i < 3; i++) assert.equal((await from("203.0.113.9")).status, 200);
    const refused = await from("203.0.113.9");
    assert.equal(refused.status, 429);
    assert.match(refused.headers.get("access-control-expose-headers") ?? "", /X-RateLimit-Remaining/i);
    assert.equal((await from("203.0.113.10")).status, 200, "another address has its own counter");
  });

  it("allows far fewer sign-ups than other requests from one address", async () => {
    const attempt = async (username: string) => {
      const app = await tokenFor(server, null, "read write");
      return fetch(`${server.url}/api/v1/accounts`, {
        method: "POST",
        headers: { authorization: `Bearer ${app}`, "content-type": "application/json", "x-forwarded-for": "198.51.100.7" },
        body: JSON.stringify({ username, email: `${username}@example.test`, password: "correct horse battery", agreement: true, locale: "en" }),
      });
    };
    assert.equal((await attempt("first")).status, 200);
    const second = await attempt("second");
    assert.equal(second.status, 429);
    assert.deepEqual(await second.json(), { error: "Too many requests" });
  });

  it("believes X-Forwarded-For only from a proxy on a trusted network", () => {
    assert.equal(clientAddressOf("127.0.0.1", "203.0.113.5"), "203.0.113.5");
    assert.equal(clientAddressOf("::ffff:10.0.0.2", "198.51.100.1, 203.0.113.5"), "203.0.113.5");
    assert.equal(clientAddressOf("127.0.0.1", "198.51.100.1, 10.0.0.3"), "198.51.100.1", "trusted hops are skipped");
    assert.equal(clientAddressOf("203.0.113.8", "198.51.100.1"), "203.0.113.8", "a public peer cannot claim another address");
    assert.equal(clientAddressOf("127.0.0.1", "not-an-address"), "127.0.0.1");
  });
});

describe(`rate limits shared through Redis (${testDialect()})`, { skip: process.env.REDIS_URL ? false : "REDIS_URL not set" }, () => {
  let server: ApiServer;
  let second: ServerType;
  let secondUrl = "";
  let closeSecond: () => Promise<void>;
  before(async () => {
    server = await startServerWith({ ...SCALE, REDIS_URL: process.env.REDIS_URL! });
    // A second web process of the same instance: same configuration, same database.
    const app2 = await createWeftApp(server.app.config, { migrate: false });
    second = serve({ fetch: createHttpApp(app2).fetch, port: 0, hostname: "127.0.0.1" });
    await once(second, "listening");
    secondUrl = `http://127.0.0.1:${(second.address() as { port: number }).port}`;
    closeSecond = async () => {
      await new Promise<void>((r) => {
        second.close(() => r());
        (second as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await app2.close();
    };
  });
  after(async () => {
    await closeSecond?.();
    await server?.close();
  });

  it("counts a token's requests across every process of the instance", async () => {
    const bob = await makeUser(server, "bob");
    const get = (base: string) => fetch(`${base}/api/v1/accounts/verify_credentials`, { headers: { authorization: `Bearer ${bob.token}` } });
    assert.equal((await get(server.url)).headers.get("x-ratelimit-remaining"), "2");
    assert.equal((await get(secondUrl)).headers.get("x-ratelimit-remaining"), "1");
    assert.equal((await get(server.url)).status, 200);
    assert.equal((await get(secondUrl)).status, 429);
  });
});
