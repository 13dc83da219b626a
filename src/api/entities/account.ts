import type { Config } from "../../config.ts";
import { acct } from "../../domain/accounts.ts";
import type { AccountView } from "../../domain/hydrate.ts";
import type { StatusTable } from "../../db/schema.ts";
import { type MastodonCustomEmoji, serializeEmojis } from "./emoji.ts";
import { bioHtml, dayOnly, fieldHtml, isoDate, midnight, parseJson } from "./format.ts";
import { missingAvatarUrl, missingHeaderUrl } from "./images.ts";

export interface MastodonField {
  name: string;
  value: string;
  verified_at: string | null;
}

export interface MastodonAccountRole {
  id: string;
  name: string;
  color: string;
}

export interface MastodonRole extends MastodonAccountRole {
  /** bit field as a decimal string; 1 is "administrator" (every permission) */
  permissions: string;
  highlighted: boolean;
}

export interface MastodonAccount {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  locked: boolean;
  bot: boolean;
  discoverable: boolean;
  indexable: boolean;
  group: boolean;
  created_at: string;
  note: string;
  url: string;
  uri: string;
  avatar: string;
  avatar_static: string;
  header: string;
  header_static: string;
  followers_count: number;
  following_count: number;
  statuses_count: number;
  last_status_at: string | null;
  hide_collections: boolean;
  noindex: boolean;
  /** only present (true) for memorialised accounts, which Weft has none of */
  memorial?: true;
  emojis: MastodonCustomEmoji[];
  roles: MastodonAccountRole[];
  fields: MastodonField[];
  /**
   * Weft's extension: whether the account is seen beyond this server (a local account with its
   * fediverse sharing switch on; always true for remote ones), so apps can show a fediverse badge.
   */
  fediverse_sharing: boolean;
}

export interface MastodonCredentialAccount extends MastodonAccount {
  source: {
    privacy: StatusTable["visibility"];
    sensitive: boolean;
    language: string | null;
    note: string;
    fields: MastodonField[];
    follow_requests_count: number;
    indexable: boolean;
    discoverable: boolean;
    hide_collections: boolean;
    attribution_domains: string[];
    /** Weft's extension (docs/api-extensions.md): whether the account federates */
    fediverse_sharing: boolean;
  };
  role: MastodonRole;
}

/** What only the owner of an account sees about it, loaded by the caller. */
export interface CredentialExtras {
  privacy: StatusTable["visibility"];
  sensitive: boolean;
  language: string | null;
  followRequestsCount: number;
}

const ADMIN_ROLE: MastodonRole = { id: "2", name: "Admin", color: "", permissions: "1", highlighted: true };
const EVERYONE_ROLE: MastodonRole = { id: "-99", name: "", color: "", permissions: "65536", highlighted: false };

interface StoredField {
  name?: unknown;
  value?: unknown;
  verified_at?: unknown;
}

/*
 * Local accounts keep bio and field values as typed (plain text) and are rendered here, as
 * Mastodon does; remote ones arrive as HTML already sanitised at ingestion.
 */
function fields(view: AccountView, asTyped: boolean, config: Pick<Config, "url">): MastodonField[] {
  const local = view.account.domain === null;
  return parseJson<StoredField[]>(view.account.fields, [])
    .filter((f) => f && typeof f.name === "string")
    .map((f) => {
      const value = typeof f.value === "string" ? f.value : "";
      return {
        name: String(f.name),
        value: local && !asTyped ? fieldHtml(value, config) : value,
        verified_at: typeof f.verified_at === "string" ? isoDate(f.verified_at) : null,
      };
    });
}

export function serializeAccount(view: AccountView, config: Pick<Config, "url">): MastodonAccount {
  const a = view.account;
  const local = a.domain === null;
  const avatar = a.avatar_url ?? missingAvatarUrl(config);
  const header = a.header_url ?? missingHeaderUrl(config);
  return {
    id: a.id,
    username: a.username,
    acct: acct(a),
    display_name: a.display_name,
    locked: a.locked === 1,
    bot: a.bot === 1 || a.actor_type === "Application" || a.actor_type === "Service",
    discoverable: a.discoverable === 1,
    indexable: a.indexable === 1,
    group: a.actor_type === "Group",
    created_at: midnight(a.created_at),
    note: local ? bioHtml(a.note, config) : a.note,
    url: a.url ?? a.uri,
    uri: a.uri,
    avatar,
    avatar_static: avatar,
    header,
    header_static: header,
    followers_count: a.followers_count,
    following_count: a.following_count,
    statuses_count: a.statuses_count,
    last_status_at: dayOnly(a.last_status_at),
    hide_collections: view.hideCollections === true,
    noindex: local ? a.indexable !== 1 : false,
    emojis: serializeEmojis(a.emojis),
    roles: view.admin ? [{ id: ADMIN_ROLE.id, name: ADMIN_ROLE.name, color: ADMIN_ROLE.color }] : [],
    fields: fields(view, false, config),
    fediverse_sharing: local ? a.federating === 1 : true,
  };
}

export function serializeCredentialAccount(
  view: AccountView,
  extras: CredentialExtras,
  config: Pick<Config, "url">,
): MastodonCredentialAccount {
  const base = serializeAccount(view, config);
  return {
    ...base,
    source: {
      privacy: extras.privacy,
      sensitive: extras.sensitive,
      language: extras.language,
      note: view.account.note,
      fields: fields(view, true, config),
      follow_requests_count: extras.followRequestsCount,
      indexable: base.indexable,
      discoverable: base.discoverable,
      hide_collections: base.hide_collections,
      attribution_domains: [],
      fediverse_sharing: view.account.federating === 1,
    },
    role: view.admin ? ADMIN_ROLE : EVERYONE_ROLE,
  };
}
