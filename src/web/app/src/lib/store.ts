import { useEffect, useState } from "preact/hooks";
import type { Account, CredentialAccount, Instance, Relationship, Status } from "./types.ts";

/*
 * Shared state: one copy of each post and relationship, so a like given in the thread view is
 * already shown in the feed when the reader goes back, and streaming updates reach every view.
 */

export class Value<T> {
  #value: T;
  readonly #listeners = new Set<(v: T) => void>();
  constructor(value: T) {
    this.#value = value;
  }
  get(): T {
    return this.#value;
  }
  set(value: T): void {
    if (Object.is(value, this.#value)) return;
    this.#value = value;
    for (const l of [...this.#listeners]) l(value);
  }
  update(fn: (v: T) => T): void {
    this.set(fn(this.#value));
  }
  subscribe(listener: (v: T) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }
}

export function useValue<T>(v: Value<T>): T {
  const [state, setState] = useState(() => v.get());
  useEffect(() => {
    setState(v.get());
    return v.subscribe(setState);
  }, [v]);
  return state;
}

export const me = new Value<CredentialAccount | null>(null);
export const instance = new Value<Instance | null>(null);
export const unreadNotifications = new Value(0);
export const toasts = new Value<Array<{ id: number; text: string }>>([]);
/** the composer dialog: closed, or open with an optional post to reply to */
export const composer = new Value<{ replyTo?: Status; text?: string } | null>(null);

/** the reader's newest post, so open views (a thread, a profile) can show it at once */
export const lastPosted = new Value<Status | null>(null);

/** every post that arrives live (streamed updates, mentions), for views that watch for replies */
export const incoming = new Value<Status | null>(null);

let toastId = 0;
export function toast(text: string): void {
  const id = ++toastId;
  toasts.update((list) => [...list, { id, text }]);
  setTimeout(() => toasts.update((list) => list.filter((t) => t.id !== id)), 5000);
}

/* ---- posts ---- */

const statuses = new Map<string, Value<Status | undefined>>();

/** The one cell holding a post, made on first use so a view can wait for a post that is still loading. */
function slot(id: string): Value<Status | undefined> {
  let v = statuses.get(id);
  if (!v) statuses.set(id, (v = new Value<Status | undefined>(undefined)));
  return v;
}

/** Stores posts (and the posts they boost) and returns their ids. */
export function putStatuses(list: Status[]): string[] {
  return list.map((s) => putStatus(s).id);
}

export function putStatus(status: Status): Status {
  if (status.reblog) putStatus(status.reblog);
  slot(status.id).set(status);
  return status;
}

export function getStatus(id: string): Status | undefined {
  return statuses.get(id)?.get();
}

export function patchStatus(id: string, change: Partial<Status>): void {
  const v = statuses.get(id);
  const current = v?.get();
  if (v && current) v.set({ ...current, ...change });
}

/** Forget a deleted post everywhere. */
export const deleted = new Value<Set<string>>(new Set());
export function markDeleted(id: string): void {
  deleted.update((s) => new Set(s).add(id));
}

export function useStatus(id: string): Status | undefined {
  return useValue(slot(id));
}

/* ---- relationships ---- */

const relationships = new Map<string, Value<Relationship | null>>();

function relSlot(id: string): Value<Relationship | null> {
  let v = relationships.get(id);
  if (!v) relationships.set(id, (v = new Value<Relationship | null>(null)));
  return v;
}

export function putRelationships(list: Relationship[]): void {
  for (const r of list) relSlot(r.id).set(r);
}

export function useRelationship(id: string): Relationship | null {
  return useValue(relSlot(id));
}

export function knownRequested(id: string): boolean {
  return relationships.get(id)?.get()?.requested === true;
}

export function knownRelationship(id: string): boolean {
  return relationships.get(id)?.get() != null;
}

/* ---- accounts seen, so a profile opens at once from a link ---- */

const accounts = new Map<string, Account>();
export function putAccount(a: Account): void {
  accounts.set(a.id, a);
  accounts.set(`acct:${a.acct.toLowerCase()}`, a);
}
export function accountByAcct(acct: string): Account | undefined {
  return accounts.get(`acct:${acct.toLowerCase()}`);
}
