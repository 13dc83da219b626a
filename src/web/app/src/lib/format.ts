import { useEffect, useState } from "preact/hooks";
import type { Account } from "./types.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const dateShort = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const dateLong = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeStyle: "short" });
const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });

/** "now", "5m", "3h", "2d", then the date, as Threads shows it. */
export function relativeTime(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  const d = Math.max(0, now - t);
  if (d < MINUTE) return "now";
  if (d < HOUR) return `${Math.floor(d / MINUTE)}m`;
  if (d < DAY) return `${Math.floor(d / HOUR)}h`;
  if (d < 7 * DAY) return `${Math.floor(d / DAY)}d`;
  return new Date(t).getFullYear() === new Date(now).getFullYear() ? dateShort.format(t) : dateLong.format(t);
}

/** The same, spelled out for screen readers. */
export function relativeTimeLong(iso: string, now = Date.now()): string {
  const d = Math.max(0, now - Date.parse(iso));
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"} ago`;
  if (d < MINUTE) return "just now";
  if (d < HOUR) return plural(Math.floor(d / MINUTE), "minute");
  if (d < DAY) return plural(Math.floor(d / HOUR), "hour");
  if (d < 7 * DAY) return plural(Math.floor(d / DAY), "day");
  return dateLong.format(Date.parse(iso));
}

export function fullDate(iso: string): string {
  return full.format(Date.parse(iso));
}

export function count(n: number): string {
  return n < 1000 ? String(n) : compact.format(n);
}

/** "1 follower", "12 followers" */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

export function timeLeft(iso: string, now = Date.now()): string {
  const d = Date.parse(iso) - now;
  if (d <= 0) return "closed";
  if (d < HOUR) return `${Math.max(1, Math.round(d / MINUTE))} minutes left`;
  if (d < DAY) return `${Math.round(d / HOUR)} hours left`;
  return `${Math.round(d / DAY)} days left`;
}

/** A clock that ticks every 30 seconds, so relative times stay true. */
const listeners = new Set<(n: number) => void>();
setInterval(() => {
  const n = Date.now();
  for (const l of listeners) l(n);
}, 30_000);

export function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    listeners.add(setNow);
    return () => void listeners.delete(setNow);
  }, []);
  return now;
}

/** `@alice` for local people, `@bob@their.server` for everyone else. */
export function handle(a: Pick<Account, "acct">): string {
  return `@${a.acct}`;
}

export function isRemote(a: Pick<Account, "acct">): boolean {
  return a.acct.includes("@");
}

export function domainOf(a: Pick<Account, "acct">): string | null {
  const at = a.acct.indexOf("@");
  return at < 0 ? null : a.acct.slice(at + 1);
}

/** The in-app path of a profile. */
export function profilePath(a: Pick<Account, "acct">): string {
  return `/@${a.acct}`;
}

export function statusPath(s: { id: string; account: Pick<Account, "acct"> }): string {
  return `/@${s.account.acct}/${s.id}`;
}

export function displayName(a: Pick<Account, "display_name" | "username">): string {
  return a.display_name.trim() || a.username;
}

/** Text of an HTML fragment (for labels and counters). */
export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(html.replace(/<br\s*\/?>/gi, "\n").replace(/<\/p>/gi, "\n\n"), "text/html");
  return (doc.body.textContent ?? "").trim();
}
