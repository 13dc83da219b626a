import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import type { Config } from "../../config.ts";
import { loadCredentials } from "../../domain/hydrate.ts";
import { MEDIA_LIMITS } from "../../domain/media-process.ts";
import { updateProfile, type ImageUpload, type MediaUrls, type ProfileChange } from "../../domain/profile.ts";
import { authenticate, currentAccount, requireScope, requireUser } from "../auth.ts";
import { readParams, stringParam, type ParamValue, type Params } from "../body.ts";
import { serializeCredentialAccount, type MastodonCredentialAccount } from "../entities/account.ts";
import { MEDIA_PATH_PREFIX, mediaFileUrl } from "../entities/media.ts";
import { notFound, unprocessable } from "../errors.ts";
import { boolParam, languageParam } from "./status-params.ts";

/**
 * The signed-in account as its owner sees it: the one CredentialAccount of verify_credentials and
 * update_credentials, with Weft's `source.fediverse_sharing` (docs/api-extensions.md).
 */
export async function credentialAccountJson(app: WeftApp, accountId: string): Promise<MastodonCredentialAccount> {
  const creds = await loadCredentials(app.ctx, accountId);
  if (!creds) throw notFound();
  return serializeCredentialAccount(creds.account, creds, app.config);
}

export function profileMediaUrls(config: Pick<Config, "url">): MediaUrls {
  const base = new URL(MEDIA_PATH_PREFIX, config.url).href;
  return {
    urlOf: (path) => mediaFileUrl(config, path),
    pathOf: (url) => {
      if (!url.startsWith(base)) return null;
      try {
        const path = url.slice(base.length).split("/").map(decodeURIComponent).join("/");
        return path.startsWith("accounts/") ? path : null;
      } catch {
        return null;
      }
    },
  };
}

function isObject(v: ParamValue | undefined): v is { [key: string]: ParamValue } {
  return v !== undefined && v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof File);
}

/** `fields_attributes` as Rails hands it over: an array, or a hash keyed by "0", "1", … */
function fieldsParam(v: ParamValue | undefined): ProfileChange["fields"] {
  if (v === undefined) return undefined;
  let entries: ParamValue[];
  if (Array.isArray(v)) entries = v;
  else if (isObject(v)) entries = Object.keys(v).sort((a, b) => Number(a) - Number(b)).map((k) => v[k]);
  else if (v === "" || v === null) entries = [];
  else throw unprocessable("Fields attributes must be a list of name and value pairs");
  return entries.filter(isObject).map((f) => ({ name: stringParam(f.name) ?? "", value: stringParam(f.value) ?? "" }));
}

async function imageParam(v: ParamValue | undefined): Promise<ImageUpload | undefined> {
  if (!(v instanceof File)) return undefined;
  if (v.size > MEDIA_LIMITS.maxBytes) throw unprocessable("File is larger than 16 MB");
  return { bytes: new Uint8Array(await v.arrayBuffer()), declaredType: v.type || null };
}

async function changeOf(params: Params): Promise<ProfileChange> {
  const change: ProfileChange = {};
  const text = (key: string) => stringParam(params[key]);
  const displayName = text("display_name");
  if (displayName !== undefined) change.displayName = displayName;
  const note = text("note");
  if (note !== undefined) change.note = note;
  for (const [param, key] of [
    ["locked", "locked"],
    ["bot", "bot"],
    ["discoverable", "discoverable"],
    ["indexable", "indexable"],
    ["hide_collections", "hideCollections"],
  ] as const) {
    const b = boolParam(params[param]);
    if (b !== undefined) change[key] = b;
  }
  const fields = fieldsParam(params.fields_attributes);
  if (fields !== undefined) change.fields = fields;
  const avatar = await imageParam(params.avatar);
  if (avatar) change.avatar = avatar;
  const header = await imageParam(params.header);
  if (header) change.header = header;

  const source = isObject(params.source) ? params.source : {};
  const privacy = stringParam(source.privacy);
  if (privacy !== undefined && privacy !== "") {
    if (privacy !== "public" && privacy !== "unlisted" && privacy !== "private") {
      throw unprocessable("Privacy is not included in the list");
    }
    change.privacy = privacy;
  }
  const sensitive = boolParam(source.sensitive);
  if (sensitive !== undefined) change.sensitive = sensitive;
  if (source.language !== undefined) change.language = languageParam(source.language);
  const sharing = boolParam(source.fediverse_sharing ?? params.fediverse_sharing);
  if (sharing !== undefined) change.fediverseSharing = sharing;
  return change;
}

// Room for two images of the maximum size and the text fields around them.
const BODY_LIMIT = 2 * MEDIA_LIMITS.maxBytes + 64 * 1024;

/** PATCH /api/v1/accounts/update_credentials and the profile image deletions. */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const write = [authenticate(app), requireScope("write:accounts"), requireUser] as const;
  const media = profileMediaUrls(config);

  routes.patch("/api/v1/accounts/update_credentials", ...write, async (c) => {
    const me = currentAccount(c).id;
    const change = await changeOf(await readParams(c, { maxBytes: BODY_LIMIT }));
    await updateProfile(ctx, me, change, media);
    return c.json(await credentialAccountJson(app, me));
  });

  for (const kind of ["avatar", "header"] as const) {
    routes.delete(`/api/v1/profile/${kind}`, ...write, async (c) => {
      const me = currentAccount(c).id;
      await updateProfile(ctx, me, { [kind]: null }, media);
      return c.json(await credentialAccountJson(app, me));
    });
  }
}
