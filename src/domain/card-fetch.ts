import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { LookupFunction } from "node:net";
import pkg from "../../package.json" with { type: "json" };
import type { Config } from "../config.ts";

/*
 * Fetching a page someone linked, on behalf of this server. The URL comes from anyone who can
 * post, so the request must not become a way to reach this machine's own network (SSRF):
 * every host is resolved here and refused when any of its addresses is loopback, private,
 * link-local, multicast or otherwise reserved. The check runs inside the socket's own DNS
 * lookup, so the address that was checked is the address connected to (no second resolution
 * an attacker's DNS could answer differently). Redirects are followed by hand, each one
 * checked again. Time and size are bounded: a page that never ends costs at most MAX_BYTES
 * and TIMEOUT_MS.
 */

export const TIMEOUT_MS = 5_000;
export const MAX_BYTES = 1024 * 1024;
export const MAX_REDIRECTS = 3;

export type FetchFailure =
  | "bad_url"
  | "private_address"
  | "unresolvable"
  | "too_many_redirects"
  | "http_error"
  | "not_html"
  | "timeout"
  | "network";

export class CardFetchError extends Error {
  readonly reason: FetchFailure;
  constructor(reason: FetchFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

export interface FetchedPage {
  /** where the page was finally found, after redirects */
  url: string;
  html: string;
  /** the body was longer than MAX_BYTES and only its start was read */
  truncated: boolean;
}

type Options = Pick<Config, "url" | "allowPrivateAddress">;

export interface FetchOptions {
  timeoutMs?: number;
  /**
   * Which resolved addresses may be connected to; by default the public ones, or all of them
   * when config.allowPrivateAddress is set. Tests narrow it to tell loopback addresses apart.
   */
  allowAddress?: (ip: string) => boolean;
}

// Ranges no link preview may reach: RFC 6890 special-purpose registries, roughly.
const blocked = new net.BlockList();
for (const [addr, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(addr, prefix, "ipv4");
}
for (const [addr, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(addr, prefix, "ipv6");
}

/** IPv4 carried inside an IPv6 address (mapped, compatible, NAT64, 6to4), or null. */
function embeddedIpv4(v6: string): string | null {
  const words = expandIpv6(v6);
  if (!words) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zero(0, 5) && (words[5] === 0xffff || words[5] === 0)) return v4(words[6], words[7]);
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6)) return v4(words[6], words[7]);
  if (words[0] === 0x2002) return v4(words[1], words[2]);
  return null;
}

function expandIpv6(addr: string): number[] | null {
  let s = addr.split("%")[0].toLowerCase();
  // a dotted IPv4 tail (::ffff:1.2.3.4) becomes two words
  const dotted = s.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const p = dotted[1].split(".").map(Number);
    s = s.slice(0, -dotted[1].length) + `${((p[0] << 8) | p[1]).toString(16)}:${((p[2] << 8) | p[3]).toString(16)}`;
  }
  const [head, tail] = s.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const fill = s.includes("::") ? 8 - h.length - t.length : 0;
  const words = [...h, ...Array(Math.max(0, fill)).fill("0"), ...t].map((w) => Number.parseInt(w, 16));
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : null;
}

/** Whether a preview fetch may connect to `ip`. */
export function isPublicAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 4) return !blocked.check(ip, "ipv4");
  if (family === 6) {
    const inner = embeddedIpv4(ip);
    if (inner) return !blocked.check(inner, "ipv4");
    return !blocked.check(ip, "ipv6");
  }
  return false;
}

/** node's socket lookup, refusing hosts with any address that is not allowed. */
function guardedLookup(allowed: (ip: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { all: true, family: options.family, hints: options.hints }, (err, addresses) => {
      if (err) return callback(err, "", 4);
      if (!addresses.length) return callback(new CardFetchError("unresolvable", `${hostname} has no address`), "", 4);
      if (!addresses.every((a) => allowed(a.address))) {
        return callback(new CardFetchError("private_address", `${hostname} resolves to a non-public address`), "", 4);
      }
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

export function userAgent(config: Pick<Config, "url">): string {
  return `Weft/${pkg.version} (+${config.url.origin}/)`;
}

function checkUrl(raw: string, allowed: (ip: string) => boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CardFetchError("bad_url", "not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CardFetchError("bad_url", "not http(s)");
  if (url.username || url.password) throw new CardFetchError("bad_url", "credentials in URL");
  // An address literal never goes through the lookup, so it is checked here.
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host) && !allowed(host)) {
    throw new CardFetchError("private_address", `${host} is not a public address`);
  }
  return url;
}

interface Response {
  status: number;
  location: string | null;
  contentType: string;
  body: Buffer;
  truncated: boolean;
}

function requestOnce(url: URL, config: Options, allowed: (ip: string) => boolean, signal: AbortSignal): Promise<Response> {
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: "GET",
        signal,
        lookup: guardedLookup(allowed),
        headers: {
          "user-agent": userAgent(config),
          accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
          "accept-encoding": "identity",
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const contentType = String(res.headers["content-type"] ?? "");
        const location = typeof res.headers.location === "string" ? res.headers.location : null;
        if ((status >= 300 && status < 400) || status >= 400 || !isHtml(contentType)) {
          // Nothing of these bodies is read: stop the transfer at once.
          res.destroy();
          resolve({ status, location, contentType, body: Buffer.alloc(0), truncated: false });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        let done = false;
        const finish = (truncated: boolean) => {
          if (done) return;
          done = true;
          resolve({ status, location, contentType, body: Buffer.concat(chunks), truncated });
        };
        res.on("data", (chunk: Buffer) => {
          if (done) return;
          const room = MAX_BYTES - size;
          if (chunk.length >= room) {
            chunks.push(chunk.subarray(0, room));
            size = MAX_BYTES;
            finish(true);
            res.destroy();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on("end", () => finish(false));
        res.on("error", (err) => (done ? undefined : reject(err)));
        res.on("close", () => {
          if (!done) reject(signal.aborted ? signal.reason : new Error("connection closed early"));
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

function isHtml(contentType: string): boolean {
  const type = contentType.split(";")[0].trim().toLowerCase();
  return type === "text/html" || type === "application/xhtml+xml";
}

function charsetOf(contentType: string, head: Buffer): string {
  const fromHeader = contentType.match(/charset\s*=\s*"?([\w.:-]+)/i)?.[1];
  const fromMeta = head.subarray(0, 2048).toString("latin1").match(/<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i)?.[1];
  return (fromHeader ?? fromMeta ?? "utf-8").toLowerCase();
}

function decode(body: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return new TextDecoder("utf-8").decode(body);
  }
}

/**
 * GETs an HTML page for a preview, following at most MAX_REDIRECTS redirects. Throws
 * CardFetchError for every refusal and failure; never returns a non-HTML body.
 */
export async function fetchPreviewPage(rawUrl: string, config: Options, options: FetchOptions = {}): Promise<FetchedPage> {
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const allowed = options.allowAddress ?? (config.allowPrivateAddress ? () => true : isPublicAddress);
  const signal = AbortSignal.timeout(timeoutMs);
  let url = checkUrl(rawUrl, allowed);
  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      res = await requestOnce(url, config, allowed, signal);
    } catch (err) {
      if (err instanceof CardFetchError) throw err;
      const cause = (err as { cause?: unknown }).cause;
      if (cause instanceof CardFetchError) throw cause;
      if (signal.aborted) throw new CardFetchError("timeout", `no answer within ${timeoutMs} ms`);
      if ((err as NodeJS.ErrnoException).code === "ENOTFOUND") throw new CardFetchError("unresolvable", url.hostname);
      throw new CardFetchError("network", (err as Error).message ?? String(err));
    }
    if (res.status >= 300 && res.status < 400 && res.location) {
      if (hop >= MAX_REDIRECTS) throw new CardFetchError("too_many_redirects", `more than ${MAX_REDIRECTS} redirects`);
      url = checkUrl(new URL(res.location, url).href, allowed);
      continue;
    }
    if (res.status < 200 || res.status >= 300) throw new CardFetchError("http_error", `HTTP ${res.status}`);
    if (!isHtml(res.contentType)) throw new CardFetchError("not_html", `content type ${res.contentType || "missing"}`);
    return { url: url.href, html: decode(res.body, charsetOf(res.contentType, res.body)), truncated: res.truncated };
  }
}
