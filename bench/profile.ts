import fs from "node:fs";
import path from "node:path";

/*
 * Reads the V8 CPU profile a `node --cpu-prof` child wrote when it exited and sums self time
 * by package (or Weft source folder) and by function: the "where the time goes" of a benchmark.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface ProfileSummary {
  totalMs: number;
  /** by what the code does (GROUPS), for the "where the time goes" paragraphs */
  byGroup: Array<[string, number]>;
  byPackage: Array<[string, number]>;
  byFunction: Array<[string, number]>;
}

export function profileArgs(dir: string): string[] {
  return ["--cpu-prof", `--cpu-prof-dir=${dir}`];
}

const GROUPS: Array<[string, RegExp]> = [
  ["JSON-LD expansion (jsonld)", /node_modules\/jsonld\//],
  ["Fedify vocabulary parsing", /@fedify\/vocab/],
  ["signatures and keys (crypto, asn1js, pkijs)", /crypto|asn1js|pkijs|@noble|bytestreamjs/],
  ["Fedify pipeline (incl. OpenTelemetry, LogTape, URL patterns)", /@fedify\/fedify|opentelemetry|logtape|uri-template|urlpattern/],
  ["Temporal polyfill", /js-temporal|jsbi/],
  ["SQL execution (SQLite / pg driver)", /src\/db\/sqlite\.ts|node_modules\/pg(-[a-z]+)?\//],
  ["SQL building (Kysely)", /kysely/],
  ["Weft queues (src/jobs)", /src\/jobs\//],
  ["Weft federation glue (src/federation)", /src\/federation\//],
  ["Weft domain and HTML sanitising", /src\/domain\/|sanitize-html|htmlparser2|postcss|node_modules\/entities|domhandler|domutils/],
  ["HTTP (node:http, fetch, Hono, src/api)", /undici|_http_|node:http|hono|src\/api|src\/http/],
  ["module loading (start-up)", /node:internal\/modules|ModuleWrap|compileSourceTextModule|internalModuleStat/],
];

function group(url: string, fn: string): string {
  if (fn === "(garbage collector)") return "garbage collection";
  const key = `${url} ${fn}`;
  return GROUPS.find(([, re]) => re.test(key))?.[0] ?? "other (V8, native calls, builtins)";
}

function bucket(url: string, fn: string): string {
  const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const src = /\/(src\/[^/]+)/.exec(url);
  if (src) return src[1];
  if (url.startsWith("node:")) return url.replace(/^node:internal\/(deps\/)?/, "node:").split("/").slice(0, 2).join("/");
  return fn ? `(${fn})` : "(native)";
}

export function summariseProfile(dir: string, top = 12): ProfileSummary | null {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")) : [];
  if (!files.length) return null;
  const p = JSON.parse(fs.readFileSync(path.join(dir, files[0]), "utf8")) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const byGroup = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const cf = byId.get(id)!.callFrame;
    if (cf.functionName === "(idle)") continue;
    total += us;
    const pkg = bucket(cf.url, cf.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const g = group(cf.url, cf.functionName);
    byGroup.set(g, (byGroup.get(g) ?? 0) + us);
    const where = cf.url ? `${cf.url.replace(/.*node_modules\//, "").replace(/.*\/work\/[^/]+\//, "")}:${cf.lineNumber + 1}` : "";
    const fn = `${cf.functionName || "(anonymous)"} ${where}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, v / 1000] as [string, number]);
  return { totalMs: total / 1000, byGroup: sorted(byGroup), byPackage: sorted(byPackage), byFunction: sorted(byFunction) };
}

/** "fedify 31 %, src/domain 12 %, …" */
export function formatShares(summary: ProfileSummary, entries: Array<[string, number]>, n = 8): string {
  return entries.slice(0, n).map(([k, ms]) => `${k} ${((ms / summary.totalMs) * 100).toFixed(0)} %`).join(", ");
}
