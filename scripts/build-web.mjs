#!/usr/bin/env node
// Builds the web app (src/web/app) into src/web/app/dist, which Weft serves. Run by `npm install`
// / `npm ci` through the root `prepare` script, and by `npm run build:web`. Plain JavaScript so
// that it runs on whatever Node npm was started with.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const appDir = path.join(root, "src/web/app");

function hasVite() {
  try {
    createRequire(path.join(root, "package.json")).resolve("vite");
    return true;
  } catch {
    return false;
  }
}

if (!hasVite()) {
  // A production install (npm ci --omit=dev) has no build tools; Weft then serves its
  // server-rendered pages only, and says so in its log at start.
  console.log("weft: Vite is not installed (dev dependencies omitted), so the web app is not built; / will show the landing page.");
  process.exit(0);
}
if (!existsSync(path.join(appDir, "index.html"))) {
  console.log("weft: src/web/app/index.html not found; nothing to build.");
  process.exit(0);
}

const started = Date.now();
const { build } = await import("vite");
await build({ configFile: path.join(appDir, "vite.config.ts"), logLevel: "warn" });
console.log(`weft: web app built into src/web/app/dist in ${Date.now() - started} ms`);
