import type { Context } from "hono";
import { ApiError } from "./errors.ts";

/**
 * One reader for request parameters, whatever the client sends: JSON, urlencoded forms,
 * multipart (masto.js uses it for media and profile updates), and the query string.
 * Rails-style keys are expanded the way Mastodon's Rails stack sees them, so handlers can
 * validate one plain object with zod:
 *   `scopes[]=a&scopes[]=b`        → { scopes: ["a", "b"] }
 *   `poll[options][]=x`            → { poll: { options: ["x"] } }
 *   `fields_attributes[0][name]=n` → { fields_attributes: [{ name: "n" }] }
 * Objects whose keys are all array indexes become arrays, because masto.js writes arrays in
 * multipart bodies as `media_ids[0]`, `media_ids[1]`.
 */
/** Form and query values are strings (or Files); JSON bodies keep their numbers, booleans and nulls. */
export type ParamValue = string | number | boolean | null | File | ParamValue[] | { [key: string]: ParamValue };
export type Params = Record<string, ParamValue>;

declare module "hono" {
  interface ContextVariableMap {
    weftParams: Promise<Params>;
  }
}

export const JSON_LIMIT = 1024 * 1024;
export const MULTIPART_LIMIT = 16 * 1024 * 1024;

export interface ReadParamsOptions {
  /** Overrides the byte limit for this request's body. */
  maxBytes?: number;
}

/**
 * Body parameters override query parameters of the same name. The result is cached on the
 * context, so middleware and handler may both call this; the first call's options win.
 */
export function readParams(c: Context, options: ReadParamsOptions = {}): Promise<Params> {
  let cached = c.get("weftParams");
  if (!cached) {
    cached = parseRequest(c.req.raw, options).catch((err: unknown) => {
      // The rest of an oversized body is left unread, so this connection cannot carry another request.
      if (err instanceof ApiError && err.status === 413) c.header("Connection", "close");
      throw err;
    });
    c.set("weftParams", cached);
  }
  return cached;
}

async function parseRequest(req: Request, options: ReadParamsOptions): Promise<Params> {
  const query = expandPairs(new URL(req.url).searchParams.entries());
  if (req.method === "GET" || req.method === "HEAD") return query;
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const multipart = type === "multipart/form-data";
  const limit = options.maxBytes ?? (multipart ? MULTIPART_LIMIT : JSON_LIMIT);
  const bytes = await readLimited(req, limit);
  if (bytes.byteLength === 0) return query;

  let body: Params;
  if (type === "application/json" || type.endsWith("+json")) {
    body = parseJson(bytes);
  } else if (multipart) {
    let form: FormData;
    try {
      form = await new Response(bytes, { headers: { "content-type": req.headers.get("content-type")! } }).formData();
    } catch (cause) {
      throw new ApiError(400, "Malformed multipart body", { cause });
    }
    body = expandPairs(form.entries());
  } else if (type === "application/x-www-form-urlencoded" || type === "") {
    // Some older clients post forms without a content type.
    body = expandPairs(new URLSearchParams(new TextDecoder().decode(bytes)).entries());
  } else {
    throw new ApiError(415, `Unsupported content type: ${type}`);
  }
  return { ...query, ...body };
}

function parseJson(bytes: Uint8Array<ArrayBuffer>): Params {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new ApiError(400, "Malformed JSON in request body", { cause });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError(400, "The request body must be a JSON object");
  }
  // A client that flattened Rails-style keys into JSON ({"poll[options][]": …}) gets them expanded too.
  const out: Params = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key.includes("[")) assignPath(out, splitKey(key), toParam(v));
    else if (!UNSAFE.has(key)) out[key] = toParam(v);
  }
  return out;
}

function toParam(v: unknown): ParamValue {
  if (Array.isArray(v)) return v.map(toParam);
  if (v !== null && typeof v === "object") {
    const o: Record<string, ParamValue> = {};
    for (const [k, x] of Object.entries(v)) if (!UNSAFE.has(k)) o[k] = toParam(x);
    return o;
  }
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return null;
}

async function readLimited(req: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (declared > limit) throw tooLarge();
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

const tooLarge = () => new ApiError(413, "Request body too large");

const UNSAFE = new Set(["__proto__", "constructor", "prototype"]);
const MAX_DEPTH = 8;

/** `poll[options][]` → ["poll", "options", ""]; anything not bracket-shaped stays one literal key. */
function splitKey(key: string): string[] {
  const open = key.indexOf("[");
  if (open <= 0 || !key.endsWith("]")) return [key];
  const segments = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^[\]]*)\]/g;
  let consumed = 0;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    if (m.index !== consumed) return [key];
    segments.push(m[1]);
    consumed = re.lastIndex;
  }
  return consumed === rest.length && segments.length <= MAX_DEPTH ? segments : [key];
}

function expandPairs(pairs: Iterable<[string, string | File]>): Params {
  const root: Params = {};
  for (const [key, value] of pairs) assignPath(root, splitKey(key), value);
  return indexedToArrays(root) as Params;
}

function isObject(v: ParamValue | undefined): v is { [key: string]: ParamValue } {
  return v !== undefined && v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof File);
}

function assignPath(target: { [key: string]: ParamValue }, segments: string[], value: ParamValue): void {
  if (segments.some((s) => UNSAFE.has(s))) return;
  const [head, ...rest] = segments;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  if (rest[0] === "") {
    let list = target[head];
    if (!Array.isArray(list)) target[head] = list = [];
    const sub = rest.slice(1);
    if (sub.length === 0) {
      list.push(value);
      return;
    }
    // `a[][name]=x&a[][value]=y&a[][name]=z`: a key seen again starts the next element, as in Rails.
    let last = list[list.length - 1];
    if (!isObject(last) || (sub.length === 1 && sub[0] in last)) list.push((last = {}));
    assignPath(last, sub, value);
    return;
  }
  let child = target[head];
  if (!isObject(child)) target[head] = child = {};
  assignPath(child, rest, value);
}

function indexedToArrays(v: ParamValue): ParamValue {
  if (Array.isArray(v)) return v.map(indexedToArrays);
  if (!isObject(v)) return v;
  const keys = Object.keys(v);
  for (const k of keys) v[k] = indexedToArrays(v[k]);
  if (keys.length > 0 && keys.every((k) => /^(0|[1-9]\d{0,5})$/.test(k))) {
    return keys.map(Number).sort((a, b) => a - b).map((i) => v[String(i)]);
  }
  return v;
}

/** Reads a parameter that may be one string or a list (`scopes`, `redirect_uris`, `types[]`). */
export function stringList(v: ParamValue | undefined): string[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return typeof v === "string" ? [v] : [];
}

/** Reads a parameter expected to be a single string; a list or an object yields undefined. */
export function stringParam(v: ParamValue | undefined): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}
