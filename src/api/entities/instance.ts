import type { Config } from "../../config.ts";
import type { InstanceFacts } from "../../domain/hydrate.ts";
import type { RegistrationSettings } from "../../domain/instance-settings.ts";
import { type MastodonAccount, serializeAccount } from "./account.ts";
import { bioHtml } from "./format.ts";
import { instanceThumbnailUrl } from "./images.ts";

/*
 * The instance entities clients read at start-up to decide what to offer: limits for the
 * compose box, the streaming URL, whether sign-up is open. The version string claims
 * Mastodon 4.3 compatibility, as other compatible servers do, because apps switch features
 * on by the Mastodon version they see.
 */
export const WEFT_VERSION = "0.1.0";
export const MASTODON_VERSION = `4.3.0 (compatible; Weft ${WEFT_VERSION})`;

export interface InstanceLimits {
  statuses: { max_characters: number; max_media_attachments: number; characters_reserved_per_url: number };
  media_attachments: {
    supported_mime_types: string[];
    description_limit: number;
    image_size_limit: number;
    image_matrix_limit: number;
    video_size_limit: number;
    video_frame_rate_limit: number;
    video_matrix_limit: number;
  };
  polls: { max_options: number; max_characters_per_option: number; min_expiration: number; max_expiration: number };
  accounts: { max_featured_tags: number; max_pinned_statuses: number };
}

export interface MastodonRule {
  id: string;
  text: string;
  hint: string;
}

export interface MastodonInstanceV1 {
  uri: string;
  title: string;
  short_description: string;
  description: string;
  email: string;
  version: string;
  urls: { streaming_api: string };
  stats: { user_count: number; status_count: number; domain_count: number };
  thumbnail: string;
  languages: string[];
  registrations: boolean;
  approval_required: boolean;
  invites_enabled: boolean;
  configuration: {
    accounts: { max_featured_tags: number };
    statuses: InstanceLimits["statuses"];
    media_attachments: Omit<InstanceLimits["media_attachments"], "description_limit">;
    polls: InstanceLimits["polls"];
  };
  contact_account: MastodonAccount | null;
  rules: MastodonRule[];
}

export interface MastodonInstanceV2 {
  domain: string;
  title: string;
  version: string;
  source_url: string;
  description: string;
  usage: { users: { active_month: number } };
  thumbnail: { url: string; blurhash: string | null; versions: Record<string, string> };
  icon: Array<{ src: string; size: string }>;
  languages: string[];
  configuration: {
    urls: { streaming: string; status: string | null; about: string | null; privacy_policy: string | null; terms_of_service: string | null };
    accounts: InstanceLimits["accounts"];
    statuses: InstanceLimits["statuses"];
    media_attachments: InstanceLimits["media_attachments"];
    polls: InstanceLimits["polls"];
    translation: { enabled: boolean };
  };
  registrations: {
    enabled: boolean;
    approval_required: boolean;
    reason_required: boolean;
    message: string | null;
    min_age: number | null;
    url: string | null;
  };
  api_versions: { mastodon: number };
  contact: { email: string; account: MastodonAccount | null };
  rules: MastodonRule[];
}

/** wss://host for https servers, ws://host for plain http (local development and tests). */
export function streamingUrl(config: Pick<Config, "url">): string {
  return `${config.url.protocol === "https:" ? "wss" : "ws"}://${config.url.host}`;
}

function rules(facts: InstanceFacts): MastodonRule[] {
  return facts.rules.map((r, i) => ({ id: String(i + 1), text: r.text, hint: r.hint }));
}

export function serializeInstanceV1(
  facts: InstanceFacts,
  limits: InstanceLimits,
  config: Pick<Config, "url">,
  registrations: RegistrationSettings,
): MastodonInstanceV1 {
  const { description_limit: _d, ...media } = limits.media_attachments;
  return {
    uri: config.url.host,
    title: facts.title,
    short_description: facts.shortDescription,
    description: facts.description,
    email: facts.contactEmail,
    version: MASTODON_VERSION,
    urls: { streaming_api: streamingUrl(config) },
    stats: { user_count: facts.userCount, status_count: facts.statusCount, domain_count: facts.domainCount },
    thumbnail: facts.thumbnailUrl ?? instanceThumbnailUrl(config),
    languages: facts.languages,
    registrations: registrations.mode !== "closed",
    approval_required: registrations.mode === "approval",
    invites_enabled: false,
    configuration: {
      accounts: { max_featured_tags: limits.accounts.max_featured_tags },
      statuses: limits.statuses,
      media_attachments: media,
      polls: limits.polls,
    },
    contact_account: facts.contactAccount ? serializeAccount(facts.contactAccount, config) : null,
    rules: rules(facts),
  };
}

export function serializeInstanceV2(
  facts: InstanceFacts,
  limits: InstanceLimits,
  config: Pick<Config, "url">,
  registrations: RegistrationSettings,
): MastodonInstanceV2 {
  const enabled = registrations.mode !== "closed";
  const thumbnail = facts.thumbnailUrl ?? instanceThumbnailUrl(config);
  return {
    domain: config.url.host,
    title: facts.title,
    version: MASTODON_VERSION,
    source_url: facts.sourceUrl ?? new URL("/about", config.url).href,
    description: facts.shortDescription,
    usage: { users: { active_month: facts.activeMonth } },
    thumbnail: { url: thumbnail, blurhash: null, versions: { "@1x": thumbnail } },
    icon: [],
    languages: facts.languages,
    configuration: {
      urls: {
        streaming: streamingUrl(config),
        status: null,
        about: new URL("/about", config.url).href,
        privacy_policy: null,
        terms_of_service: null,
      },
      accounts: limits.accounts,
      statuses: limits.statuses,
      media_attachments: limits.media_attachments,
      polls: limits.polls,
      translation: { enabled: false },
    },
    registrations: {
      enabled,
      approval_required: registrations.mode === "approval",
      reason_required: registrations.reasonRequired,
      // Only while closed, as HTML (Mastodon renders its Markdown; Weft's is plain text).
      message: !enabled && registrations.closedMessage ? bioHtml(registrations.closedMessage, config) : null,
      min_age: registrations.minAge,
      // Sign-up happens here, not at a single sign-on provider.
      url: null,
    },
    api_versions: { mastodon: 2 },
    contact: {
      email: facts.contactEmail,
      account: facts.contactAccount ? serializeAccount(facts.contactAccount, config) : null,
    },
    rules: rules(facts),
  };
}
