/* The Mastodon entities the app reads (the parts it uses), plus Weft's documented extensions. */

export type Visibility = "public" | "unlisted" | "private" | "direct";

export interface Emoji {
  shortcode: string;
  url: string;
  static_url: string;
}

export interface Field {
  name: string;
  value: string;
  verified_at: string | null;
}

export interface Account {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  locked: boolean;
  bot: boolean;
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
  created_at: string;
  emojis: Emoji[];
  fields: Field[];
  roles?: Array<{ id: string; name: string }>;
  /** Weft: whether this (local) account shares its profile and posts with the fediverse */
  fediverse_sharing?: boolean;
}

export interface CredentialAccount extends Account {
  source: {
    privacy: Visibility;
    sensitive: boolean;
    language: string | null;
    note: string;
    fields: Field[];
    indexable?: boolean;
    discoverable?: boolean;
    hide_collections?: boolean;
    follow_requests_count?: number;
    fediverse_sharing?: boolean;
  };
  role?: { name: string; permissions: string };
}

export interface MediaAttachment {
  id: string;
  type: "image" | "gifv" | "video" | "audio" | "unknown";
  url: string | null;
  preview_url: string | null;
  remote_url: string | null;
  description: string | null;
  blurhash: string | null;
  meta?: { original?: { width?: number; height?: number; aspect?: number }; small?: { width?: number; height?: number; aspect?: number }; focus?: { x: number; y: number } };
}

export interface Poll {
  id: string;
  expires_at: string | null;
  expired: boolean;
  multiple: boolean;
  votes_count: number;
  voters_count: number | null;
  options: Array<{ title: string; votes_count: number | null }>;
  emojis: Emoji[];
  voted?: boolean;
  own_votes?: number[];
}

export interface Card {
  url: string;
  title: string;
  description: string;
  type: string;
  provider_name: string;
  image: string | null;
  image_description?: string;
  width: number;
  height: number;
}

export interface Mention {
  id: string;
  username: string;
  acct: string;
  url: string;
}

export interface Tag {
  name: string;
  url: string;
  history?: Array<{ day: string; uses: string; accounts: string }>;
}

export interface Status {
  id: string;
  uri: string;
  url: string | null;
  created_at: string;
  edited_at: string | null;
  account: Account;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  reblog: Status | null;
  content: string;
  spoiler_text: string;
  sensitive: boolean;
  visibility: Visibility;
  language: string | null;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  favourited?: boolean;
  reblogged?: boolean;
  bookmarked?: boolean;
  media_attachments: MediaAttachment[];
  mentions: Mention[];
  tags: Tag[];
  emojis: Emoji[];
  card: Card | null;
  poll: Poll | null;
  /** the reader's filters this post matched, in the context it was loaded for */
  filtered?: Array<{ filter: { id: string; title: string; filter_action: "warn" | "hide" | "blur" }; keyword_matches: string[] | null }>;
}

export interface Context {
  ancestors: Status[];
  descendants: Status[];
}

export type NotificationType =
  | "mention" | "status" | "reblog" | "follow" | "follow_request" | "favourite" | "poll" | "update"
  | "admin.sign_up" | "admin.report" | "severed_relationships" | "moderation_warning" | "quote" | "quoted_update";

export interface Notification {
  id: string;
  type: NotificationType;
  created_at: string;
  account: Account;
  status: Status | null;
}

export interface Relationship {
  id: string;
  following: boolean;
  showing_reblogs: boolean;
  notifying: boolean;
  followed_by: boolean;
  blocking: boolean;
  blocked_by: boolean;
  muting: boolean;
  requested: boolean;
  domain_blocking: boolean;
}

export interface SearchResults {
  accounts: Account[];
  statuses: Status[];
  hashtags: Tag[];
}

export interface Instance {
  domain: string;
  title: string;
  description: string;
  thumbnail?: { url: string };
  registrations: { enabled: boolean; approval_required: boolean; message: string | null };
  configuration: {
    statuses: { max_characters: number; max_media_attachments: number };
    media_attachments: { image_size_limit: number; supported_mime_types: string[]; description_limit?: number };
    polls: { max_options: number; max_characters_per_option: number; min_expiration: number; max_expiration: number };
  };
  rules: Array<{ id: string; text: string; hint?: string }>;
  contact?: { email: string; account: Account | null };
}

export interface FilterKeyword {
  id: string;
  keyword: string;
  whole_word: boolean;
}

export interface Filter {
  id: string;
  title: string;
  context: string[];
  expires_at: string | null;
  filter_action: "warn" | "hide";
  keywords: FilterKeyword[];
}
