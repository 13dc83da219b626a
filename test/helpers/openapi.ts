import fs from "node:fs";
import path from "node:path";
import type { TestContext } from "node:test";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

/*
 * Checks API responses against Mastodon's own contract: the OpenAPI 3.1 description generated
 * from its documentation (shared/fixtures/mastodon-openapi/schema.json). The fixture lives
 * outside the repository, so when it is absent the checks are skipped with a message rather
 * than failing every test.
 */

const repoRoot = path.resolve(import.meta.dirname, "../..");
export const OPENAPI_PATH = path.resolve(repoRoot, "../shared/fixtures/mastodon-openapi/schema.json");

/**
 * Where Weft deliberately answers differently from the documented schema. Each entry widens
 * the schema at a JSON pointer (relative to `components/schemas`) to also accept `allow`.
 * Every entry needs a reason a later reader can check; keep this the only list.
 */
export const DEVIATIONS: Record<string, { allow: object; reason: string }> = {
  "V1Instance/properties/email": {
    allow: { const: "" },
    reason: "No contact e-mail is configured until an admin with an address exists; Mastodon also serves \"\" then.",
  },
  "Instance/properties/contact/properties/email": {
    allow: { const: "" },
    reason: "Same as V1Instance.email: empty until an admin with an address exists.",
  },
  "ExtendedDescription/properties/updated_at": {
    allow: { type: "null" },
    reason: "Mastodon sends null while no extended description is set; Weft does not record when it changed, so always null.",
  },
  "NotificationGroup/properties/most_recent_notification_id": {
    allow: { type: "string" },
    reason:
      "Documented as an integer, but an id: Weft sends it as a string like every id (masto.js and Mastodon's web app type it as a string), so numbers beyond 2^53 survive.",
  },
  "PreviewCard/properties/author_url": {
    allow: { const: "" },
    reason: "A page that names no author URL: Mastodon serves \"\" here too (its own documentation's examples do).",
  },
  "PreviewCard/properties/embed_url": {
    allow: { const: "" },
    reason: "Only photo cards have an embed URL; Mastodon serves \"\" for every other card.",
  },
  "TrendsLink/properties/author_url": {
    allow: { const: "" },
    reason: "A trending link is a PreviewCard: same as PreviewCard.author_url.",
  },
  "TrendsLink/properties/embed_url": {
    allow: { const: "" },
    reason: "A trending link is a PreviewCard: same as PreviewCard.embed_url.",
  },
  "ScheduledStatus/properties/params/properties/application_id": {
    allow: { type: ["string", "null"] },
    reason: "Documented as an integer, but an id: sent as a string like every id (ids beyond 2^53 survive); null when posted without an app.",
  },
  "ScheduledStatus/properties/params/properties/in_reply_to_id": {
    allow: { type: "string" },
    reason: "Documented as an integer, but an id: sent as a string like every id, as in_reply_to_id on Status.",
  },
  "PreviewCardAuthor/properties/url": {
    allow: { const: "" },
    reason: "An author known by name only; Mastodon serves \"\" for the URL then, as in author_url.",
  },
};

type Schemas = Record<string, unknown>;

let cached: { validators: Map<string, ValidateFunction>; ajv: Ajv2020 } | null = null;

/** A reason to skip schema tests, or undefined when the fixture is there. */
export const openapiSkip: string | undefined = fs.existsSync(OPENAPI_PATH)
  ? undefined
  : `Mastodon OpenAPI fixture not found at ${OPENAPI_PATH}; schema checks skipped`;

function applyDeviations(schemas: Schemas): void {
  for (const [pointer, { allow }] of Object.entries(DEVIATIONS)) {
    const parts = pointer.split("/");
    const key = parts.pop()!;
    let parent: any = schemas;
    for (const p of parts) {
      parent = parent?.[p];
      if (parent == null) throw new Error(`DEVIATIONS: ${pointer} does not exist in the schema`);
    }
    if (!(key in parent)) throw new Error(`DEVIATIONS: ${pointer} does not exist in the schema`);
    parent[key] = { anyOf: [parent[key], allow] };
  }
}

function load(): NonNullable<typeof cached> {
  if (cached) return cached;
  const doc = JSON.parse(fs.readFileSync(OPENAPI_PATH, "utf8"));
  const schemas: Schemas = doc.components.schemas;
  applyDeviations(schemas);
  // strict: false because OpenAPI adds keywords JSON Schema does not know (example, externalDocs).
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (a: Ajv2020) => void;
  addFormats(ajv);
  // Mastodon documents languages as ISO 639-1 codes; it also emits 639-3 codes for some.
  ajv.addFormat("iso-639-1", /^[a-z]{2,3}$/);
  ajv.addSchema({ $id: "mastodon.json", components: { schemas } });
  cached = { validators: new Map(), ajv };
  return cached;
}

function validatorFor(entity: string): ValidateFunction {
  const { validators, ajv } = load();
  let v = validators.get(entity);
  if (!v) {
    const found = ajv.getSchema(`mastodon.json#/components/schemas/${entity}`);
    if (!found) throw new Error(`No component schema named ${entity}`);
    v = found;
    validators.set(entity, v);
  }
  return v;
}

/** Keys that hold an id must hold it as a string (clients break on numbers beyond 2^53). */
function idProblems(value: unknown, at = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => idProblems(v, `${at}/${i}`));
  if (value === null || typeof value !== "object") return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if ((k === "id" || k.endsWith("_id")) && v !== null && typeof v !== "string") {
      out.push(`${at}/${k} is ${JSON.stringify(v)}, not a string id`);
    }
    out.push(...idProblems(v, `${at}/${k}`));
  }
  return out;
}

function describe(errors: ErrorObject[]): string {
  return errors
    .map((e) => `${e.instancePath || "(root)"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`)
    .join("\n  ");
}

/**
 * Throws unless `json` matches Mastodon's component schema `entity` (types, nullability,
 * required fields, formats such as date-time and uri), and every id is a string.
 * Without the fixture it does nothing and, given a test context, says so.
 */
export function assertMatchesEntity(json: unknown, entity: string, t?: TestContext): void {
  if (openapiSkip) {
    t?.diagnostic(openapiSkip);
    return;
  }
  const validate = validatorFor(entity);
  const problems: string[] = [];
  if (!validate(json)) problems.push(describe(validate.errors ?? []));
  problems.push(...idProblems(json));
  if (problems.length) {
    throw new Error(`Response does not match Mastodon's ${entity} schema:\n  ${problems.join("\n  ")}`);
  }
}

/** Same as assertMatchesEntity for each element of an array. */
export function assertMatchesEntities(json: unknown, entity: string, t?: TestContext): void {
  if (!Array.isArray(json)) throw new Error(`Expected an array of ${entity}, got ${JSON.stringify(json)?.slice(0, 200)}`);
  json.forEach((item) => assertMatchesEntity(item, entity, t));
}
