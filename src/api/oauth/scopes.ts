/*
 * Mastodon's OAuth scopes. Endpoints name the narrowest scope they need ("read:statuses");
 * a token carrying a broader one that covers it also passes: `read` covers every `read:*`,
 * `write` every `write:*`, `admin:read` every `admin:read:*` (likewise `admin:write`), and the
 * legacy `follow` covers the follow/block/mute scopes, as Mastodon's controllers accept it there.
 */

const READ = [
  "read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters", "read:follows",
  "read:lists", "read:mutes", "read:notifications", "read:search", "read:statuses",
] as const;
const WRITE = [
  "write:accounts", "write:blocks", "write:bookmarks", "write:conversations", "write:favourites", "write:filters",
  "write:follows", "write:lists", "write:media", "write:mutes", "write:notifications", "write:reports",
  "write:statuses",
] as const;
const ADMIN_OBJECTS = [
  "accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks", "email_domain_blocks", "canonical_email_blocks",
] as const;
const ADMIN_READ = ADMIN_OBJECTS.map((o) => `admin:read:${o}`);
const ADMIN_WRITE = ADMIN_OBJECTS.map((o) => `admin:write:${o}`);
const FOLLOW = ["read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"];

/** Every scope an app may register or a token may carry, in the order Mastodon lists them. */
export const SUPPORTED_SCOPES: readonly string[] = [
  "read", ...READ, "write", ...WRITE, "follow", "push", "profile",
  "admin:read", ...ADMIN_READ, "admin:write", ...ADMIN_WRITE,
];

const KNOWN = new Set(SUPPORTED_SCOPES);

const IMPLIES: Record<string, readonly string[]> = {
  read: READ,
  write: WRITE,
  follow: FOLLOW,
  "admin:read": ADMIN_READ,
  "admin:write": ADMIN_WRITE,
};

/** Splits a scope string on spaces or pluses (query strings use either); drops empties and duplicates. */
export function parseScopes(input: string | readonly string[] | null | undefined): string[] {
  const parts = typeof input === "string" ? input.split(/[\s+]+/) : input ? [...input] : [];
  return [...new Set(parts.map((s) => s.trim()).filter((s) => s.length > 0))];
}

export function unknownScopes(scopes: readonly string[]): string[] {
  return scopes.filter((s) => !KNOWN.has(s));
}

/** Does a token holding `granted` satisfy a requirement for `wanted`? */
export function scopeCovers(granted: readonly string[], wanted: string): boolean {
  return granted.some((g) => g === wanted || (IMPLIES[g]?.includes(wanted) ?? false));
}

/** True when every scope in `requested` is allowed by `allowed` (an app's registered scopes). */
export function scopesWithin(requested: readonly string[], allowed: readonly string[]): boolean {
  return requested.every((s) => scopeCovers(allowed, s));
}

/** Human wording for the consent screen. */
export function describeScope(scope: string): string {
  const fixed: Record<string, string> = {
    read: "Read all your account's data",
    write: "Modify all your account's data",
    follow: "Modify account relationships (follows, blocks, mutes)",
    push: "Receive push notifications",
    profile: "Read only your account's basic profile",
    "admin:read": "Read all data on the server (administrators)",
    "admin:write": "Moderate and administer the server (administrators)",
  };
  if (fixed[scope]) return fixed[scope];
  const [kind, a, b] = scope.split(":");
  if (kind === "admin") return `${a === "read" ? "Read" : "Modify"} server ${b.replaceAll("_", " ")} (administrators)`;
  return `${kind === "read" ? "Read" : "Modify"} your ${a.replaceAll("_", " ")}`;
}
