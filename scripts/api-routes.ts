/*
 * Lists the Mastodon client API routes Weft registers, read from the router itself (so paths
 * built from templates are included), and the paths of Mastodon's API description that none of
 * them answers. What the README's "Mastodon client API" section is written from:
 *
 *   node scripts/api-routes.ts [path/to/mastodon-openapi/schema.json]
 *
 * It opens a throwaway SQLite database in a temporary folder; nothing is served.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Hono } from "hono";
import { mountApi } from "../src/api/index.ts";
import { createWeftApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-routes-"));
const app = await createWeftApp(loadConfig({ WEFT_DATA_DIR: dir, LOG_LEVEL: "silent" }));
try {
  const routes = new Hono();
  mountApi(routes, app);
  // Hono lists middleware as method "ALL"; regex constraints (`:id{[0-9]+}`) are dropped for reading.
  const registered = new Map<string, Set<string>>();
  for (const r of routes.routes) {
    if (r.method === "ALL" || !/^\/(api|oauth|\.well-known\/oauth)/.test(r.path)) continue;
    const p = r.path.replace(/\{[^}]*\}/g, "");
    if (!registered.has(p)) registered.set(p, new Set());
    registered.get(p)!.add(r.method);
  }
  const lines = [...registered].sort(([a], [b]) => a.localeCompare(b)).map(([p, methods]) => `${[...methods].sort().join(",").padEnd(18)} ${p}`);
  console.log(`# ${lines.length} paths registered\n${lines.join("\n")}`);

  const schemaPath = process.argv[2] ?? path.resolve(import.meta.dirname, "../../shared/fixtures/mastodon-openapi/schema.json");
  if (fs.existsSync(schemaPath)) {
    const doc = JSON.parse(fs.readFileSync(schemaPath, "utf8")) as { paths: Record<string, Record<string, unknown>> };
    const known = new Set([...registered.keys()].map((p) => p.replace(/:[a-z_]+/g, ":x")));
    const missing: string[] = [];
    // Only the client API and OAuth: /health and the like are served outside it (src/http.ts).
    for (const [p, ops] of Object.entries(doc.paths).filter(([p]) => /^\/(api|oauth|\.well-known)\//.test(p))) {
      const methods = Object.keys(ops).filter((m) => ["get", "post", "put", "patch", "delete"].includes(m));
      const key = p.replace(/\{[a-z_]+\}/g, ":x");
      const have = registered.get([...registered.keys()].find((r) => r.replace(/:[a-z_]+/g, ":x") === key) ?? "");
      // A wildcard route (the streaming API's /api/v1/streaming/*) answers everything below it.
      const wildcard = [...registered].some(([r, ms]) => r.endsWith("/*") && key.startsWith(r.slice(0, -1)) && ms.has("GET"));
      const absent = methods.filter((m) => !(wildcard && m === "get") && (!known.has(key) || !have?.has(m.toUpperCase())));
      if (absent.length) missing.push(`${absent.map((m) => m.toUpperCase()).join(",").padEnd(18)} ${p}`);
    }
    console.log(`\n# ${missing.length} paths of Mastodon's API description not answered\n${missing.sort((a, b) => a.slice(19).localeCompare(b.slice(19))).join("\n")}`);
  }
} finally {
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
