import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import assert from "node:assert/strict";
import sharp from "sharp";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { WeftInstance } from "../helpers/instance.ts";

/*
 * The web app in Debian's Chromium (never a downloaded browser), against real Weft instances
 * over HTTPS. Screenshots go to test-artifacts/screenshots/ for people to look at.
 */

export const CHROMIUM = "/usr/bin/chromium";
const ROOT = path.resolve(import.meta.dirname, "../..");
export const SCREENSHOTS = path.join(ROOT, "test-artifacts/screenshots");
const DIST_INDEX = path.join(ROOT, "src/web/app/dist/index.html");

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** Why the browser tests cannot run here, or false. */
export const browserSkip: string | false = fs.existsSync(CHROMIUM)
  ? false
  : `Chromium not found at ${CHROMIUM} (apt-get install chromium); web app browser tests skipped`;

/** The tests drive the built app; build it if `npm install` did not (a checkout without prepare). */
export function ensureAppBuilt(): void {
  if (fs.existsSync(DIST_INDEX)) return;
  execFileSync(process.execPath, [path.join(ROOT, "scripts/build-web.mjs")], { cwd: ROOT, stdio: "inherit" });
  assert.ok(fs.existsSync(DIST_INDEX), "the web app did not build (is Vite installed?)");
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  /** console errors, failed requests and requests to other origins seen so far */
  problems: string[];
}

/** A fresh browser profile on `instance` (the test CA is not in Chromium's store, so certificate errors are ignored). */
export async function openApp(
  browser: Browser,
  instance: WeftInstance,
  options: { viewport?: { width: number; height: number }; colorScheme?: "light" | "dark" } = {},
): Promise<AppPage> {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? "light",
    baseURL: instance.origin,
    reducedMotion: "reduce",
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (!["data:", "blob:"].includes(url.protocol) && url.origin !== instance.origin) problems.push(`request to another origin: ${r.url()}`);
  });
  return { context, page, problems };
}

/** Signs in the way a person does: the landing page's "Sign in", Weft's OAuth page, back to the app. */
export async function signIn(app: AppPage, user: { username: string; password: string }): Promise<void> {
  const { page } = app;
  await page.goto("/");
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/oauth\/authorize/);
  await page.getByLabel("Username or e-mail address").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in and authorize" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/oauth") && !u.pathname.startsWith("/auth/"));
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

/** A picture worth describing: a few shapes on a gradient, as PNG. */
export async function samplePicture(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="640">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f6d365"/><stop offset="1" stop-color="#fda085"/></linearGradient></defs>
<rect width="960" height="640" fill="url(#g)"/>
<circle cx="300" cy="300" r="150" fill="#ffffff" opacity=".75"/>
<rect x="520" y="180" width="260" height="260" rx="30" fill="#4f46e5" opacity=".85"/>
<path d="M0 520 Q240 420 480 520 T960 520 V640 H0Z" fill="#1e3a8a" opacity=".8"/>
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? false, animations: "disabled" });
  return file;
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the app's policy rightly refuses inline scripts.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

export function describeViolations(list: AxeViolation[]): string {
  return list.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")} — ${n.failureSummary ?? ""}`).join("\n  ")}`).join("\n");
}
