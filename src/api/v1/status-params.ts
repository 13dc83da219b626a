import type { NewPoll } from "../../domain/polls.ts";
import { isId, normaliseId } from "../../domain/ids.ts";
import { VISIBILITIES, type Visibility } from "../../domain/visibility.ts";
import { stringList, stringParam, type ParamValue, type Params } from "../body.ts";
import { unprocessable } from "../errors.ts";

/*
 * Reading the parameters of posting and editing, whichever way the client encodes them
 * (JSON with real booleans and numbers, or forms where everything is a string).
 */

/** Rails' truthiness: true, "true", "1", "on", "t", "yes". */
export function boolParam(v: ParamValue | undefined): boolean | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string") return ["1", "true", "t", "on", "yes"].includes(v.toLowerCase());
  return undefined;
}

export function intParam(v: ParamValue | undefined, name: string): number | undefined {
  const s = stringParam(v);
  if (s === undefined || s === "") return undefined;
  const n = Number(s);
  if (!Number.isInteger(n)) throw unprocessable(`${name} must be a whole number`);
  return n;
}

export function idParam(v: ParamValue | undefined): string | null {
  const s = stringParam(v);
  return s && isId(s) ? normaliseId(s) : null;
}

export function idList(v: ParamValue | undefined, name: string): string[] {
  const ids = stringList(v);
  if (ids.some((id) => !isId(id))) throw unprocessable(`${name} contains an invalid id`);
  return ids.map(normaliseId);
}

export function visibilityParam(v: ParamValue | undefined): Visibility | undefined {
  const s = stringParam(v);
  if (s === undefined || s === "") return undefined;
  if (!(VISIBILITIES as readonly string[]).includes(s)) throw unprocessable("Visibility is not included in the list");
  return s as Visibility;
}

function isObject(v: ParamValue | undefined): v is { [key: string]: ParamValue } {
  return v !== undefined && v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof File);
}

export function pollParam(v: ParamValue | undefined): NewPoll | null {
  if (!isObject(v)) return null;
  const options = stringList(v.options);
  if (!options.length && v.expires_in === undefined) return null;
  return {
    options,
    expiresIn: intParam(v.expires_in, "Poll expires_in") ?? 86_400,
    multiple: boolParam(v.multiple) ?? false,
  };
}

export interface StatusInput {
  text: string;
  mediaIds: string[];
  poll: NewPoll | null;
  inReplyToId: string | null;
  sensitive: boolean | undefined;
  spoilerText: string;
  visibility: Visibility | undefined;
  language: string | null;
  scheduledAt: string | undefined;
}

export function languageParam(v: ParamValue | undefined): string | null {
  const s = stringParam(v)?.trim();
  if (!s) return null;
  if (!/^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{1,8})*$/.test(s)) throw unprocessable("Language is not a valid language code");
  return s;
}

export function statusInput(params: Params): StatusInput {
  const inReplyTo = stringParam(params.in_reply_to_id);
  if (inReplyTo && !isId(inReplyTo)) throw unprocessable("The status you are replying to could not be found");
  return {
    text: stringParam(params.status) ?? "",
    mediaIds: idList(params.media_ids, "media_ids"),
    poll: pollParam(params.poll),
    inReplyToId: inReplyTo ? normaliseId(inReplyTo) : null,
    sensitive: boolParam(params.sensitive),
    spoilerText: stringParam(params.spoiler_text) ?? "",
    visibility: visibilityParam(params.visibility),
    language: languageParam(params.language),
    scheduledAt: stringParam(params.scheduled_at) || undefined,
  };
}

export interface MediaAttribute {
  id: string;
  description?: string | null;
  focus?: string;
}

/** `media_attributes[][id]=…&media_attributes[][description]=…`, for edits. */
export function mediaAttributes(v: ParamValue | undefined): MediaAttribute[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObject).flatMap((a) => {
    const id = idParam(a.id);
    if (!id) return [];
    const out: MediaAttribute = { id };
    if (a.description !== undefined) out.description = stringParam(a.description) ?? null;
    const focus = stringParam(a.focus);
    if (focus) out.focus = focus;
    return [out];
  });
}
