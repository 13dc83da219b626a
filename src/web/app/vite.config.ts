import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

/*
 * The web app is built into dist/ when Weft is installed (the root `prepare` script) and served
 * by Weft itself: hashed file names under /assets/ (cached for a year), index.html as the shell.
 * `npm run dev:web` serves it with hot reload and sends API calls to a Weft on WEFT_DEV_URL.
 */
const target = process.env.WEFT_DEV_URL ?? "http://localhost:3000";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  plugins: [preact({ prerender: { enabled: false } })],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    // One small app: inline nothing, so the policy can forbid inline code and data: scripts.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: {
    proxy: Object.fromEntries(
      ["/api", "/oauth", "/system", "/avatars", "/headers", "/about", "/admin", "/.well-known"].map((p) => [
        p,
        { target, changeOrigin: true, ws: p === "/api", secure: false },
      ]),
    ),
  },
});
