import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Page } from "../lib/api.ts";
import { loadRelationships } from "../lib/actions.ts";
import { incoming, markDeleted, putStatus, putStatuses, Value, useValue } from "../lib/store.ts";
import { onReconnect, subscribe } from "../lib/stream.ts";
import type { Status } from "../lib/types.ts";
import { StatusCard } from "./Status.tsx";

/*
 * A feed of posts: the first page, then older pages as the reader nears the end. Live posts
 * from streaming go on top only while the reader is at the top; otherwise they wait behind a
 * "new posts" button, so nothing moves under the reader's eyes. Each feed keeps its state while
 * the reader is elsewhere, so coming back shows the same posts at the same place.
 */

export interface FeedState {
  ids: string[];
  /** live posts not yet shown (the reader is scrolled down) */
  pending: string[];
  next: string | null;
  prev: string | null;
  loading: boolean;
  done: boolean;
  error: string | null;
  loaded: boolean;
}

const feeds = new Map<string, Value<FeedState>>();

function feed(key: string): Value<FeedState> {
  let v = feeds.get(key);
  if (!v) {
    v = new Value<FeedState>({ ids: [], pending: [], next: null, prev: null, loading: false, done: false, error: null, loaded: false });
    feeds.set(key, v);
  }
  return v;
}

const AT_TOP_PX = 120;

/** Puts a post at the top of a feed that is loaded (the reader's own new post, for one). */
export function prependToFeed(key: string, status: Status): void {
  const v = feeds.get(key);
  if (!v || !v.get().loaded) return;
  putStatus(status);
  v.update((s) => (s.ids.includes(status.id) ? s : { ...s, ids: [status.id, ...s.ids] }));
}

/** Forget a feed, so it loads afresh next time (after following someone, say). */
export function resetFeed(key: string): void {
  feeds.delete(key);
}

export interface StreamSpec {
  name: string;
  params?: { tag?: string; list?: string };
  /** which live posts belong in this feed */
  accept?: (s: Status) => boolean;
}

export function Timeline(props: {
  cacheKey: string;
  load: (url: string | null) => Promise<Page<Status>>;
  stream?: StreamSpec;
  label: string;
  empty: ComponentChildren;
  showParent?: boolean;
}) {
  const store = feed(props.cacheKey);
  const state = useValue(store);
  const sentinel = useRef<HTMLDivElement>(null);
  const [, force] = useState(0);

  const loadMore = async (first = false) => {
    const s = store.get();
    if (s.loading || (!first && (s.done || !s.loaded))) return;
    store.set({ ...s, loading: true, error: null });
    try {
      const page = await props.load(first ? null : s.next);
      const ids = putStatuses(page.items);
      void loadRelationships(page.items.map((x) => (x.reblog ?? x).account.id)).catch(() => {});
      store.update((cur) => ({
        ...cur,
        ids: first ? ids : [...cur.ids, ...ids.filter((id) => !cur.ids.includes(id))],
        next: page.next,
        prev: first ? page.prev : cur.prev,
        loading: false,
        done: !page.next || page.items.length === 0,
        loaded: true,
      }));
    } catch (err) {
      store.update((cur) => ({ ...cur, loading: false, error: (err as Error).message }));
    }
  };

  const showPending = () => {
    store.update((s) => ({ ...s, ids: [...s.pending, ...s.ids.filter((id) => !s.pending.includes(id))], pending: [] }));
    window.scrollTo({ top: 0 });
    requestAnimationFrame(() => (document.querySelector(".status") as HTMLElement | null)?.focus({ preventScroll: true }));
  };

  const addLive = (status: Status) => {
    putStatus(status);
    store.update((s) => {
      if (!s.loaded || s.ids.includes(status.id) || s.pending.includes(status.id)) return s;
      if (window.scrollY < AT_TOP_PX && s.pending.length === 0) return { ...s, ids: [status.id, ...s.ids] };
      return { ...s, pending: [status.id, ...s.pending] };
    });
  };

  useEffect(() => {
    if (!store.get().loaded) void loadMore(true);
    force((n) => n + 1);
  }, [props.cacheKey]);

  useEffect(() => {
    const spec = props.stream;
    if (!spec) return;
    const off = subscribe(spec.name, (e) => {
      if (e.event === "update") {
        const status = e.payload as Status;
        incoming.set(status);
        if (!spec.accept || spec.accept(status)) addLive(status);
      } else if (e.event === "status.update") {
        putStatus(e.payload as Status);
      } else if (e.event === "delete") {
        markDeleted(String(e.payload));
      }
    }, spec.params);
    // After a dropped connection, fetch what was missed.
    const offReconnect = onReconnect(async () => {
      const s = store.get();
      if (!s.prev) return;
      try {
        const page = await props.load(s.prev);
        for (const status of [...page.items].reverse()) addLive(status);
        if (page.prev) store.update((cur) => ({ ...cur, prev: page.prev }));
      } catch {
        // the next reconnect tries again
      }
    });
    return () => {
      off();
      offReconnect();
    };
  }, [props.cacheKey]);

  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void loadMore();
    }, { rootMargin: "1200px 0px" });
    io.observe(el);
    return () => io.disconnect();
  }, [props.cacheKey, state.loaded]);

  // A page that did not fill the screen leaves the end in view, which the observer does not report again.
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !state.loaded || state.loading || state.done || state.error) return;
    if (el.getBoundingClientRect().top < window.innerHeight + 1200) void loadMore();
  }, [state.ids.length, state.loading]);

  return (
    <div class="timeline">
      {state.pending.length ? (
        <div class="new-posts-wrap">
          <button type="button" class="new-posts" onClick={showPending}>
            {state.pending.length === 1 ? "1 new post" : `${state.pending.length} new posts`}
          </button>
        </div>
      ) : null}
      <div role="feed" aria-label={props.label} aria-busy={state.loading}>
        {state.ids.map((id) => (
          <StatusCard key={id} id={id} showParent={props.showParent ?? true} />
        ))}
      </div>
      {state.loaded && !state.ids.length && !state.loading ? <div class="empty">{props.empty}</div> : null}
      {state.error ? (
        <div class="error-box" role="alert">
          <p>Could not load posts: {state.error}</p>
          <button type="button" class="button secondary" onClick={() => loadMore(!state.loaded)}>Try again</button>
        </div>
      ) : null}
      {state.loading ? <div class="loading" role="status">Loading…</div> : null}
      {state.loaded && state.done && state.ids.length ? <p class="end muted">You're all caught up.</p> : null}
      <div ref={sentinel} class="sentinel" aria-hidden="true" />
    </div>
  );
}
