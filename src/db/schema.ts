import type { Generated } from "kysely";

/*
 * One schema for SQLite and PostgreSQL. To keep both dialects identical:
 * ids are fixed-width numeric strings (see domain/ids.ts) so text order is time order,
 * timestamps are ISO-8601 UTC strings, booleans are 0/1 integers, JSON is text.
 */
type Bool = number;
type Timestamp = string;
type Json = string;

export interface AccountTable {
  id: string;
  username: string;
  /** null for local accounts */
  domain: string | null;
  uri: string;
  url: string | null;
  inbox_url: string | null;
  shared_inbox_url: string | null;
  outbox_url: string | null;
  followers_url: string | null;
  following_url: string | null;
  featured_url: string | null;
  actor_type: string;
  display_name: string;
  note: string;
  avatar_url: string | null;
  header_url: string | null;
  /** JSON array of {name, value, verified_at} */
  fields: Json;
  /** JSON array of {shortcode, url} for remote custom emoji */
  emojis: Json;
  locked: Bool;
  bot: Bool;
  discoverable: Bool;
  indexable: Bool;
  /** Fediverse sharing switch (local accounts). */
  federating: Bool;
  public_key_pem: string | null;
  public_key_id: string | null;
  followers_count: number;
  following_count: number;
  statuses_count: number;
  last_status_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  fetched_at: Timestamp | null;
  deleted_at: Timestamp | null;
}

export interface UserTable {
  account_id: string;
  email: string | null;
  password_hash: string | null;
  admin: Bool;
  approved: Bool;
  /** JSON: {rsa: {publicJwk, privateJwk}, ed25519: {...}} */
  keys: Json;
  /** JSON user preferences (default visibility, sensitive, language...) */
  settings: Json;
  created_at: Timestamp;
  last_active_at: Timestamp | null;
}

export interface OauthAppTable {
  id: string;
  name: string;
  website: string | null;
  redirect_uris: string;
  scopes: string;
  client_id: string;
  client_secret: string;
  created_at: Timestamp;
}

export interface OauthTokenTable {
  id: string;
  /** sha256 of the bearer token, hex */
  token_hash: string;
  app_id: string | null;
  account_id: string | null;
  scopes: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface OauthCodeTable {
  code_hash: string;
  app_id: string;
  account_id: string;
  redirect_uri: string;
  scopes: string;
  code_challenge: string | null;
  code_challenge_method: string | null;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface StatusTable {
  id: string;
  uri: string;
  url: string | null;
  account_id: string;
  local: Bool;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  /** Parent's URI, kept even when the parent is not (yet) known here. */
  in_reply_to_uri: string | null;
  reblog_of_id: string | null;
  /** Root of the thread, for context queries. */
  conversation_id: string | null;
  /** Source text of a local post (markdown-free plain text as typed). */
  text: string | null;
  content: string;
  spoiler_text: string;
  sensitive: Bool;
  visibility: "public" | "unlisted" | "private" | "direct";
  language: string | null;
  application_id: string | null;
  poll_id: string | null;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  created_at: Timestamp;
  edited_at: Timestamp | null;
  deleted_at: Timestamp | null;
}

export interface StatusEditTable {
  id: string;
  status_id: string;
  content: string;
  spoiler_text: string;
  sensitive: Bool;
  /** JSON array of option titles, when the status had a poll */
  poll_options: Json | null;
  media_ids: Json | null;
  created_at: Timestamp;
}

export interface MentionTable {
  status_id: string;
  account_id: string;
  silent: Bool;
}

export interface TagTable {
  id: string;
  name: string;
  display_name: string;
  created_at: Timestamp;
}

export interface StatusTagTable {
  status_id: string;
  tag_id: string;
}

export interface MediaAttachmentTable {
  id: string;
  account_id: string;
  status_id: string | null;
  type: "image" | "gifv" | "video" | "audio" | "unknown";
  /** path relative to the data dir's media folder; null for remote media not cached */
  file_path: string | null;
  preview_path: string | null;
  content_type: string | null;
  remote_url: string | null;
  description: string | null;
  blurhash: string | null;
  /** JSON Mastodon `meta` object */
  meta: Json;
  /** "processing" | "ready" | "failed" */
  state: string;
  created_at: Timestamp;
  /** set while a scheduled post (not yet published) holds this upload */
  scheduled_status_id: string | null;
}

export interface ScheduledStatusTable {
  id: string;
  account_id: string;
  scheduled_at: Timestamp;
  /** JSON posting parameters, see domain/scheduled-statuses.ts */
  params: Json;
  created_at: Timestamp;
}

export interface FollowTable {
  id: string;
  account_id: string;
  target_account_id: string;
  /** id of the Follow activity */
  uri: string | null;
  show_reblogs: Bool;
  notify: Bool;
  created_at: Timestamp;
}

export interface FollowRequestTable {
  id: string;
  account_id: string;
  target_account_id: string;
  uri: string | null;
  show_reblogs: Bool;
  notify: Bool;
  created_at: Timestamp;
}

export interface FavouriteTable {
  id: string;
  account_id: string;
  status_id: string;
  uri: string | null;
  created_at: Timestamp;
}

export interface PollTable {
  id: string;
  status_id: string | null;
  account_id: string;
  /** JSON array of option titles */
  options: Json;
  /** JSON array of vote counts aligned with options (authoritative for remote polls) */
  cached_tallies: Json;
  multiple: Bool;
  expires_at: Timestamp | null;
  votes_count: number;
  voters_count: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PollVoteTable {
  id: string;
  poll_id: string;
  account_id: string;
  choice: number;
  uri: string | null;
  created_at: Timestamp;
}

export interface NotificationTable {
  id: string;
  account_id: string;
  from_account_id: string;
  type: string;
  status_id: string | null;
  /** key that makes a notification idempotent, e.g. "favourite:<statusId>:<accountId>" */
  dedupe_key: string | null;
  created_at: Timestamp;
  /** Mastodon's group key (favourite-<statusId>-<hour>, follow-<hour>…); null: a group of its own */
  group_key: string | null;
  /** the report an admin.report notification is about */
  report_id: string | null;
  /** held back by the recipient's notification policy (see notification_requests); defaults to 0 */
  filtered: Generated<Bool>;
}

export interface HomeFeedTable {
  account_id: string;
  /** the status (or reblog) id shown; time-sortable */
  status_id: string;
  /** author of the entry, so unfollow can drop entries quickly */
  author_id: string;
  created_at: Timestamp;
}

export interface BlockTable {
  id: string;
  account_id: string;
  target_account_id: string;
  uri: string | null;
  created_at: Timestamp;
}

export interface MuteTable {
  id: string;
  account_id: string;
  target_account_id: string;
  hide_notifications: Bool;
  expires_at: Timestamp | null;
  created_at: Timestamp;
}

export interface BookmarkTable {
  id: string;
  account_id: string;
  status_id: string;
  created_at: Timestamp;
}

export interface InstanceSettingTable {
  key: string;
  value: Json;
}

export interface KvTable {
  key: string;
  value: Json;
  expires_at: Timestamp | null;
}

export interface JobTable {
  id: Generated<number>;
  queue: string;
  payload: Json;
  run_at: Timestamp;
  attempts: number;
  locked_until: Timestamp | null;
  ordering_key: string | null;
  created_at: Timestamp;
}

export interface InboxActivityTable {
  /** activity id; a redelivered activity finds its row and does nothing */
  activity_id: string;
  received_at: Timestamp;
}

export interface MarkerTable {
  account_id: string;
  /** "home" | "notifications" */
  timeline: string;
  last_read_id: string;
  version: number;
  updated_at: Timestamp;
}

export interface IdempotencyKeyTable {
  account_id: string;
  key: string;
  /** null while the request holding the key is still running */
  status_id: string | null;
  created_at: Timestamp;
}

export interface ListTable {
  id: string;
  account_id: string;
  title: string;
  /** "followed" | "list" | "none" */
  replies_policy: string;
  /** members' posts leave the home timeline */
  exclusive: Bool;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ListAccountTable {
  id: string;
  list_id: string;
  account_id: string;
  /** the owner's follow of the member; deleting the follow removes the membership */
  follow_id: string | null;
  created_at: Timestamp;
}

export interface FilterTable {
  id: string;
  account_id: string;
  title: string;
  /** JSON array of "home" | "notifications" | "public" | "thread" | "account" */
  context: Json;
  /** "warn" | "hide" | "blur" */
  filter_action: string;
  expires_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FilterKeywordTable {
  id: string;
  filter_id: string;
  keyword: string;
  whole_word: Bool;
  created_at: Timestamp;
}

export interface FilterStatusTable {
  id: string;
  filter_id: string;
  status_id: string;
  created_at: Timestamp;
}

export interface DomainBlockTable {
  id: string;
  account_id: string;
  /** lower-case, punycode */
  domain: string;
  created_at: Timestamp;
}

export interface EndorsementTable {
  id: string;
  account_id: string;
  target_account_id: string;
  created_at: Timestamp;
}

export interface FeaturedTagTable {
  id: string;
  account_id: string;
  tag_id: string;
  created_at: Timestamp;
}

export interface TagFollowTable {
  id: string;
  account_id: string;
  tag_id: string;
  created_at: Timestamp;
}

export interface AccountNoteTable {
  account_id: string;
  target_account_id: string;
  comment: string;
  updated_at: Timestamp;
}

export interface ConversationMarkTable {
  account_id: string;
  /** statuses.conversation_id of the thread */
  conversation_id: string;
  read_up_to: string | null;
  removed_up_to: string | null;
  updated_at: Timestamp;
}

export interface AnnouncementTable {
  id: string;
  /** plain text as the admin typed it */
  text: string;
  starts_at: Timestamp | null;
  ends_at: Timestamp | null;
  all_day: Bool;
  /** null while a draft */
  published_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AnnouncementDismissalTable {
  announcement_id: string;
  account_id: string;
}

export interface StatusPinTable {
  id: string;
  account_id: string;
  status_id: string;
  created_at: Timestamp;
}

export interface ConversationMuteTable {
  account_id: string;
  /** statuses.conversation_id of the thread */
  conversation_id: string;
  created_at: Timestamp;
}

export interface ReportTable {
  id: string;
  /** the reporter */
  account_id: string;
  target_account_id: string;
  /** JSON array of status ids */
  status_ids: Json;
  /** JSON array of rule ids (their index in the instance rules, as strings) */
  rule_ids: Json;
  comment: string;
  /** "spam" | "legal" | "violation" | "other" */
  category: string;
  forwarded: Bool;
  /** the Flag's id, when forwarded to the reported account's server */
  uri: string | null;
  action_taken_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** "accept" | "filter" | "drop" in each column */
export interface NotificationPolicyTable {
  account_id: string;
  for_not_following: string;
  for_not_followers: string;
  for_new_accounts: string;
  for_private_mentions: string;
  for_limited_accounts: string;
  updated_at: Timestamp;
}

export interface NotificationRequestTable {
  id: string;
  account_id: string;
  from_account_id: string;
  last_status_id: string | null;
  notifications_count: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface NotificationPermissionTable {
  account_id: string;
  from_account_id: string;
  created_at: Timestamp;
}

export interface SuggestionDismissalTable {
  account_id: string;
  target_account_id: string;
  created_at: Timestamp;
}

export interface PreviewCardTable {
  id: string;
  url: string;
  title: string;
  description: string;
  type: "link" | "photo" | "video" | "rich";
  author_name: string;
  author_url: string;
  provider_name: string;
  provider_url: string;
  /** always "": remote embed HTML is never stored */
  html: string;
  width: number;
  height: number;
  /** the remote image URL (not cached locally) */
  image: string | null;
  image_description: string;
  blurhash: string | null;
  language: string | null;
  published_at: Timestamp | null;
  fetched_at: Timestamp | null;
  error: string | null;
  created_at: Timestamp;
}

export interface StatusCardTable {
  status_id: string;
  card_id: string;
}

export interface Database {
  accounts: AccountTable;
  users: UserTable;
  oauth_apps: OauthAppTable;
  oauth_tokens: OauthTokenTable;
  oauth_codes: OauthCodeTable;
  statuses: StatusTable;
  status_edits: StatusEditTable;
  mentions: MentionTable;
  tags: TagTable;
  status_tags: StatusTagTable;
  media_attachments: MediaAttachmentTable;
  scheduled_statuses: ScheduledStatusTable;
  follows: FollowTable;
  follow_requests: FollowRequestTable;
  favourites: FavouriteTable;
  polls: PollTable;
  poll_votes: PollVoteTable;
  notifications: NotificationTable;
  home_feed: HomeFeedTable;
  blocks: BlockTable;
  mutes: MuteTable;
  bookmarks: BookmarkTable;
  instance_settings: InstanceSettingTable;
  kv: KvTable;
  jobs: JobTable;
  inbox_activities: InboxActivityTable;
  markers: MarkerTable;
  idempotency_keys: IdempotencyKeyTable;
  lists: ListTable;
  list_accounts: ListAccountTable;
  filters: FilterTable;
  filter_keywords: FilterKeywordTable;
  filter_statuses: FilterStatusTable;
  domain_blocks: DomainBlockTable;
  endorsements: EndorsementTable;
  featured_tags: FeaturedTagTable;
  tag_follows: TagFollowTable;
  account_notes: AccountNoteTable;
  conversation_marks: ConversationMarkTable;
  announcements: AnnouncementTable;
  announcement_dismissals: AnnouncementDismissalTable;
  status_pins: StatusPinTable;
  conversation_mutes: ConversationMuteTable;
  reports: ReportTable;
  notification_policies: NotificationPolicyTable;
  notification_requests: NotificationRequestTable;
  notification_permissions: NotificationPermissionTable;
  suggestion_dismissals: SuggestionDismissalTable;
  preview_cards: PreviewCardTable;
  status_cards: StatusCardTable;
}
