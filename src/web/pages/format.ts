import type { Config } from "../../config.ts";
import type { Account } from "../../domain/accounts.ts";
import type { MediaRow } from "../../domain/hydrate.ts";
import { paths } from "../../domain/uris.ts";
import { mediaFileUrl, missingAvatarUrl, missingHeaderUrl } from "../../domain/uris.ts";

/* Small pure helpers the pages share: handles, links, image addresses, dates and numbers. */

type Who = Pick<Account, "username" | "domain">;

/** `@alice@host` — what people type into another server's search to find this account. */
export function fullHandle(account: Who, config: Pick<Config, "url">): string {
  return `@${account.username}@${account.domain ?? config.url.host}`;
}

export function serverOf(account: Who, config: Pick<Config, "url">): string {
  return account.domain ?? config.url.host;
}

/** This server's page for an account: `/@alice`, or `/@bob@remote.example` for a remote one. */
export function profilePath(account: Who): string {
  return account.domain ? paths.profile(`${account.username}@${account.domain}`) : paths.profile(account.username);
}

export function statusPath(account: Who, statusId: string): string {
  return `${profilePath(account)}/${statusId}`;
}

export function absolute(config: Pick<Config, "url">, path: string): string {
  return new URL(path, config.url).href;
}

export function avatarUrl(account: Pick<Account, "avatar_url">, config: Pick<Config, "url">): string {
  return account.avatar_url ?? missingAvatarUrl(config);
}

export function headerUrl(account: Pick<Account, "header_url">, config: Pick<Config, "url">): string {
  return account.header_url ?? missingHeaderUrl(config);
}

/** Full-size and preview addresses of an attachment; remote media not cached here is shown from its origin. */
export function mediaUrls(m: MediaRow, config: Pick<Config, "url">): { url: string | null; preview: string | null } {
  const url = m.file_path ? mediaFileUrl(config, m.file_path) : m.remote_url;
  const preview = m.preview_path ? mediaFileUrl(config, m.preview_path) : url;
  return { url, preview };
}

export function mediaSize(m: MediaRow): { width?: number; height?: number } {
  try {
    const meta = JSON.parse(m.meta) as { original?: { width?: unknown; height?: unknown } };
    const { width, height } = meta.original ?? {};
    return typeof width === "number" && typeof height === "number" ? { width, height } : {};
  } catch {
    return {};
  }
}

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
  timeZoneName: "short",
});
const dayFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
}

export function formatDay(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dayFormat.format(d);
}

const numberFormat = new Intl.NumberFormat("en");

export function count(n: number, one: string, many: string): string {
  return `${numberFormat.format(n)} ${n === 1 ? one : many}`;
}

export function formatNumber(n: number): string {
  return numberFormat.format(n);
}
