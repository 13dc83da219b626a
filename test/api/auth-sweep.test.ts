import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import sharp from "sharp";
import { testDialect } from "../helpers/db.ts";
import { apiRoutes, type ApiRoute } from "./api-routes.ts";
import { caller, makeUser, startApiServer, tokenFor, type ApiServer, type TestUser } from "./posting-support.ts";

/*
 * Walks every route the client API serves (read from the Hono router, see api-routes.ts) and
 * checks who may call it: no token → 401 unless the endpoint is public; a token with only
 * `read` on a write endpoint and one with only `write` on a read endpoint → 403; nothing ever
 * answers 5xx or shows a stack trace; and a stranger never sees a followers-only or direct post.
 */

/**
 * Endpoints that answer without a token, as in Mastodon. They serve only public data (the
 * stranger scan below checks that too). Keyed by "METHOD pattern" as Hono registers it.
 */
const PUBLIC = new Set([
  // Instance metadata, read by clients before anyone signs in.
  "GET /api/v1/instance",
  "GET /api/v1/instance/rules",
  "GET /api/v2/instance",
  "GET /api/v1/instance/peers",
  "GET /api/v1/instance/activity",
  "GET /api/v1/instance/extended_description",
  "GET /api/v1/instance/languages",
  "GET /api/v1/instance/translation_languages",
  "GET /api/v1/instance/domain_blocks",
  "GET /api/v1/custom_emojis",
  // Registering an app is the first thing a client does, before it has any token.
  "POST /api/v1/apps",
  // Profiles and their public posts, relations and showcases (Mastodon: authorize_if_got_token!).
  "GET /api/v1/accounts/:id{[0-9]+}",
  "GET /api/v1/accounts/:id{[0-9]+}/statuses",
  "GET /api/v1/accounts/:id{[0-9]+}/followers",
  "GET /api/v1/accounts/:id{[0-9]+}/following",
  "GET /api/v1/accounts/:id{[0-9]+}/featured_tags",
  "GET /api/v1/accounts/:id{[0-9]+}/endorsements",
  "GET /api/v1/accounts/lookup",
  // Batch lookups by id (?id[]=…): each item only if its single form would be shown.
  "GET /api/v1/accounts",
  "GET /api/v1/statuses",
  // Single posts and their threads, when the post itself is public.
  "GET /api/v1/statuses/:id{[0-9]+}",
  "GET /api/v1/statuses/:id{[0-9]+}/context",
  "GET /api/v1/statuses/:id{[0-9]+}/favourited_by",
  "GET /api/v1/statuses/:id{[0-9]+}/reblogged_by",
  "GET /api/v1/statuses/:id{[0-9]+}/history",
  "GET /api/v1/polls/:id{[0-9]+}",
  // Removed from Mastodon in 3.0, kept for old apps; public like the post it belongs to.
  "GET /api/v1/statuses/:id{[0-9]+}/card",
  // Public timelines (Weft does not restrict them to signed-in users by default).
  "GET /api/v1/timelines/public",
  "GET /api/v1/timelines/tag/:hashtag",
  "GET /api/v1/tags/:name",
  // Discovery.
  "GET /api/v1/directory",
  "GET /api/v1/trends",
  "GET /api/v1/trends/tags",
  "GET /api/v1/trends/statuses",
  "GET /api/v1/trends/links",
  "GET /api/v2/search",
  // Load balancers probe it.
  "GET /api/v1/streaming/health",
]);

/** Endpoints that never look at credentials, in Mastodon as here: a bad token changes nothing. */
const CREDENTIAL_BLIND = /^(GET \/api\/v[12]\/instance\b|GET \/api\/v1\/custom_emojis$|POST \/api\/v1\/apps$|GET \/api\/v1\/streaming\/health$)/;

/** Any valid token will do: it only describes the calling app itself (Mastodon 4.3 dropped its `read` requirement). */
const ANY_TOKEN = new Set(["GET /api/v1/apps/verify_credentials"]);

/** Reads that Mastodon guards with a write scope: attachments are only ever fetched while composing. */
const WRITE_SCOPED_READS = new Set(["GET /api/v1/media/:id{[0-9]+}"]);

/**
 * Mastodon's streaming server answers 401, not 403, to a token without the stream's scope;
 * clients written against it expect that, so Weft does the same.
 */
const isStreamChannel = (key: string) => key === "GET /api/v1/streaming/*";

/** The WebSocket entry point: over plain HTTP, once the token checks out, it can only say no channel was named. */
const WEBSOCKET_ENTRY = "GET /api/v1/streaming";

const SECRET_FOLLOWERS = "sweepsecretfollowers";
const SECRET_DIRECT = "sweepsecretdirect";
const STACK_TRACE = /\n\s+at [^\n]+[(:]\d+|node:internal|\/src\/[\w/.-]+\.ts/;

interface Ids {
  account: string;
  privateStatus: string;
  directStatus: string;
  poll: string;
  list: string;
  filter: string;
  media: string;
}

function concretePath(route: ApiRoute, ids: Ids): string {
  const { path } = route;
  let id = ids.privateStatus;
  if (path.startsWith("/api/v1/accounts/")) id = ids.account;
  else if (path.startsWith("/api/v1/polls/")) id = ids.poll;
  else if (path.includes("/lists/")) id = ids.list;
  else if (path.includes("/filters/")) id = ids.filter;
  else if (path.includes("/media/")) id = ids.media;
  const filled = path
    .replace(/:id\{[^}]+\}/, id)
    .replace(":hashtag", "sweep")
    .replace(/\/tags\/:name/, "/tags/sweep")
    .replace(":name", encodeURIComponent("👍"))
    .replace(/:group_key\{[^}]+\}/, `ungrouped-${ids.privateStatus}`)
    .replace(/\/\*$/, "/user");
  // Queries that make search-like endpoints actually look, so that a leak would show.
  const query: Record<string, string> = {
    "/api/v1/accounts/lookup": "?acct=alice",
    "/api/v1/accounts/search": "?q=alice",
    "/api/v1/accounts/relationships": `?id[]=${ids.account}`,
    "/api/v1/accounts/familiar_followers": `?id[]=${ids.account}`,
    "/api/v2/search": "?q=sweepsecret",
    "/api/v1/statuses": `?id[]=${ids.privateStatus}&id[]=${ids.directStatus}`,
    "/api/v1/accounts": `?id[]=${ids.account}`,
  };
  return filled + (route.method === "GET" ? (query[path] ?? "") : "");
}

const isStream = (path: string) => path.startsWith("/api/v1/streaming") && !path.endsWith("/health");

async function hit(server: ApiServer, token: string | null, route: ApiRoute, ids: Ids) {
  const url = concretePath(route, ids);
  const abort = new AbortController();
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const init: RequestInit = { method: route.method, headers, signal: abort.signal };
  if (route.method !== "GET" && route.method !== "DELETE") {
    headers["content-type"] = "application/json";
    init.body = "{}";
  }
  const res = await fetch(new URL(url, server.url), init);
  // An accepted stream never ends: its status is all there is to check.
  if (isStream(route.path) && res.ok) {
    abort.abort();
    return { url, status: res.status, body: "" };
  }
  return { url, status: res.status, body: await res.text() };
}

describe(`auth sweep over every API route (${testDialect()})`, () => {
  let server: ApiServer;
  let alice: TestUser;
  let stranger: TestUser;
  let routes: ApiRoute[];
  let ids: Ids;
  let readOnly: string;
  let writeOnly: string;

  before(async () => {
    server = await startApiServer();
    routes = apiRoutes(server.app);
    alice = await makeUser(server, "alice");
    const bob = await makeUser(server, "bob");
    stranger = await makeUser(server, "mallory");
    readOnly = await tokenFor(server, alice.account.id, "read");
    writeOnly = await tokenFor(server, alice.account.id, "write");
    const post = async (body: object) => {
      const res = await alice.call("POST", "/api/v1/statuses", body);
      assert.equal(res.status, 200, await res.clone().text());
      return res.json();
    };
    const priv = await post({
      status: `${SECRET_FOLLOWERS} for followers #sweep`,
      visibility: "private",
      poll: { options: ["yes", "no"], expires_in: 3600 },
    });
    const direct = await post({ status: `@bob ${SECRET_DIRECT} just us #sweep`, visibility: "direct" });
    const list = await (await alice.call("POST", "/api/v1/lists", { title: "close" })).json();
    const filter = await (
      await alice.call("POST", "/api/v2/filters", { title: "f", context: ["home"], keywords_attributes: [{ keyword: "x" }] })
    ).json();
    void bob;
    const form = new FormData();
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: "#808080" } }).png().toBuffer();
    form.set("file", new Blob([new Uint8Array(png)], { type: "image/png" }), "dot.png");
    const media = await (await alice.call("POST", "/api/v2/media", form)).json();
    ids = {
      account: alice.account.id,
      privateStatus: priv.id,
      directStatus: direct.id,
      poll: priv.poll.id,
      list: list.id,
      filter: filter.id,
      media: media.id,
    };
  });
  after(async () => server?.close());

  it("finds the endpoint groups in the router", (t) => {
    const paths = new Set(routes.map((r) => r.path));
    for (const p of ["/api/v1/statuses", "/api/v1/timelines/home", "/api/v1/notifications", "/api/v2/search", "/api/v1/lists"]) {
      assert.ok(paths.has(p), `${p} is among the ${routes.length} routes`);
    }
    // A stale entry grants nothing, so it is only reported (routes come and go as the API grows).
    for (const key of PUBLIC) {
      if (!routes.some((r) => `${r.method} ${r.path}` === key)) t.diagnostic(`allowlisted ${key} is not served`);
    }
  });

  it("answers 401 without a token except on the public endpoints, never 5xx nor a stack trace", async () => {
    const problems: string[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const { url, status, body } = await hit(server, null, route, ids);
      if (status >= 500 || STACK_TRACE.test(body)) problems.push(`${key} (${url}) → ${status} ${body.slice(0, 200)}`);
      else if (PUBLIC.has(key)) {
        if (status === 401 || status === 403) problems.push(`public ${key} (${url}) → ${status}`);
      } else if (status !== 401) problems.push(`${key} (${url}) → ${status}, expected 401`);
      if (body.includes(SECRET_FOLLOWERS) || body.includes(SECRET_DIRECT)) problems.push(`${key} leaks a private post`);
    }
    assert.deepEqual(problems, []);
  });

  it("answers 401 to an unknown token, public endpoints included (as Mastodon's authorize_if_got_token!)", async () => {
    const problems: string[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (CREDENTIAL_BLIND.test(key)) continue;
      const { url, status, body } = await hit(server, "not-a-real-token", route, ids);
      if (status !== 401) problems.push(`${key} (${url}) → ${status} ${body.slice(0, 120)}`);
    }
    assert.deepEqual(problems, []);
  });

  it("answers 403 to a read-only token on every write endpoint", async () => {
    const problems: string[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (PUBLIC.has(key) || (route.method === "GET" && !WRITE_SCOPED_READS.has(key))) continue;
      const { url, status, body } = await hit(server, readOnly, route, ids);
      if (status !== 403) problems.push(`${key} (${url}) → ${status} ${body.slice(0, 120)}`);
    }
    assert.deepEqual(problems, []);
  });

  it("answers 403 to a write-only token on every private read endpoint", async () => {
    const problems: string[] = [];
    for (const route of routes.filter((r) => r.method === "GET")) {
      const key = `${route.method} ${route.path}`;
      const { url, status, body } = await hit(server, writeOnly, route, ids);
      if (status >= 500 || STACK_TRACE.test(body)) problems.push(`${key} (${url}) → ${status} ${body.slice(0, 200)}`);
      // Public endpoints may either ignore the token or refuse it for its scope (Mastodon does the latter).
      else if (PUBLIC.has(key) || ANY_TOKEN.has(key)) continue;
      else if (key === WEBSOCKET_ENTRY) {
        if (status !== 400 && status !== 401) problems.push(`${key} (${url}) → ${status}`);
      }
      else if (WRITE_SCOPED_READS.has(key)) {
        if (status !== 200) problems.push(`${key} (${url}) → ${status}, a write token may read it`);
      } else if (status !== (isStreamChannel(key) ? 401 : 403)) problems.push(`${key} (${url}) → ${status} ${body.slice(0, 120)}`);
    }
    assert.deepEqual(problems, []);
  });

  it("shows a stranger's token neither the followers-only nor the direct post anywhere", async () => {
    const problems: string[] = [];
    const secrets = [SECRET_FOLLOWERS, SECRET_DIRECT, ids.privateStatus, ids.directStatus, ids.poll];
    for (const route of routes.filter((r) => r.method === "GET")) {
      const key = `${route.method} ${route.path}`;
      const { url, status, body } = await hit(server, stranger.token, route, ids);
      if (status >= 500 || STACK_TRACE.test(body)) problems.push(`${key} (${url}) → ${status} ${body.slice(0, 200)}`);
      // The requested id echoes back in a 404's URL-free error, never in a body that shows the post.
      const shown = secrets.filter((s) => body.includes(s));
      if (shown.length > 0) problems.push(`${key} (${url}) → ${status} reveals ${shown.join(", ")}: ${body.slice(0, 200)}`);
    }
    assert.deepEqual(problems, []);
  });

  it("still shows the owner both posts, so the scan above looked at real data", async () => {
    const own = caller(server, alice.token);
    const res = await own("GET", `/api/v1/statuses/${ids.privateStatus}`);
    assert.equal(res.status, 200);
    assert.match((await res.json()).content, new RegExp(SECRET_FOLLOWERS));
    const tag = await (await own("GET", "/api/v1/accounts/" + ids.account + "/statuses")).json();
    assert.deepEqual(
      tag.map((s: { id: string }) => s.id).sort(),
      [ids.privateStatus, ids.directStatus].sort(),
    );
  });
});
