import { useEffect } from "preact/hooks";
import { page, post } from "../lib/api.ts";
import { displayName, relativeTime, relativeTimeLong, statusPath, useNow, fullDate, htmlToText } from "../lib/format.ts";
import { incoming, putAccount, putStatus, unreadNotifications, useValue, Value } from "../lib/store.ts";
import type { Notification } from "../lib/types.ts";
import { AccountLine, Avatar, Name } from "../components/Account.tsx";
import { Icon } from "../components/Icon.tsx";
import { StatusCard } from "../components/Status.tsx";
import { FollowButton } from "../components/FollowButton.tsx";

/*
 * Notifications, newest first, live. Opening the list marks everything read (the
 * notifications marker, which other apps of the same account see too).
 */

interface State {
  items: Notification[];
  next: string | null;
  loading: boolean;
  loaded: boolean;
  error: string | null;
}

const state = new Value<State>({ items: [], next: null, loading: false, loaded: false, error: null });
let viewing = false;

async function markRead(items: Notification[]): Promise<void> {
  unreadNotifications.set(0);
  const newest = items[0]?.id;
  if (newest) await post("/api/v1/markers", { notifications: { last_read_id: newest } }).catch(() => {});
}

/** The count the server gave at start; ignored when the reader has the list open (it is being read). */
export function setUnreadFromServer(n: number): void {
  if (!viewing) unreadNotifications.set(n);
}

/** A notification arriving on the stream. */
export function pushNotification(n: Notification): void {
  if (n.status) {
    putStatus(n.status);
    incoming.set(n.status);
  }
  putAccount(n.account);
  state.update((s) => (s.loaded && !s.items.some((x) => x.id === n.id) ? { ...s, items: [n, ...s.items] } : s));
  if (viewing && document.visibilityState === "visible") void markRead([n]);
  else unreadNotifications.update((c) => c + 1);
}

async function load(more: boolean): Promise<void> {
  const s = state.get();
  if (s.loading || (more && !s.next)) return;
  state.set({ ...s, loading: true, error: null });
  try {
    const res = await page<Notification>(more && s.next ? s.next : "/api/v1/notifications", more ? undefined : { limit: 30 });
    for (const n of res.items) if (n.status) putStatus(n.status);
    state.update((cur) => {
      const items = more ? [...cur.items, ...res.items.filter((n) => !cur.items.some((x) => x.id === n.id))] : res.items;
      return { items, next: res.next, loading: false, loaded: true, error: null };
    });
    if (!more) await markRead(res.items);
  } catch (err) {
    state.update((cur) => ({ ...cur, loading: false, error: (err as Error).message }));
  }
}

const VERBS: Record<string, { icon: string; text: string }> = {
  favourite: { icon: "heart", text: "liked your post" },
  reblog: { icon: "boost", text: "reposted your post" },
  follow: { icon: "user", text: "followed you" },
  follow_request: { icon: "lock", text: "asked to follow you" },
  poll: { icon: "poll", text: "A poll you voted in or created has ended" },
  update: { icon: "compose", text: "edited a post you interacted with" },
  status: { icon: "bell", text: "posted" },
};

function Item({ n }: { n: Notification }) {
  const now = useNow();
  if ((n.type === "mention" || n.type === "status" || n.type === "quote") && n.status) {
    return <StatusCard id={n.status.id} />;
  }
  const verb = VERBS[n.type] ?? { icon: "bell", text: n.type };
  return (
    <article class={`notification n-${n.type}`} aria-label={`${displayName(n.account)} ${verb.text}, ${relativeTimeLong(n.created_at, now)}`} tabIndex={0}>
      <span class={`notification-icon ${n.type}`}><Icon name={verb.icon} filled={n.type === "favourite"} /></span>
      <div class="notification-main">
        <div class="notification-head">
          <Avatar account={n.account} size={32} />
          <time class="time muted" dateTime={n.created_at} title={fullDate(n.created_at)}>{relativeTime(n.created_at, now)}</time>
        </div>
        {n.type === "poll" ? (
          <p>{verb.text}</p>
        ) : (
          <p><a href={`/@${n.account.acct}`} class="name-link"><Name account={n.account} /></a> {verb.text}</p>
        )}
        {n.type === "follow" || n.type === "follow_request" ? (
          <div class="notification-account">
            <AccountLine account={n.account} />
            <FollowButton account={n.account} />
          </div>
        ) : null}
        {n.status ? (
          <a class="notification-status muted" href={statusPath(n.status)}>
            {n.status.spoiler_text || htmlToText(n.status.content).slice(0, 280) || (n.status.media_attachments.length ? "Photo" : "")}
          </a>
        ) : null}
      </div>
    </article>
  );
}

export function Notifications() {
  const s = useValue(state);
  useEffect(() => {
    viewing = true;
    document.title = "Notifications · Weft";
    void load(false);
    return () => {
      viewing = false;
    };
  }, []);
  return (
    <section class="screen" aria-labelledby="notifications-title">
      <div class="screen-head">
        <h1 id="notifications-title" tabIndex={-1}>Notifications</h1>
      </div>
      <div role="feed" aria-label="Notifications" aria-busy={s.loading}>
        {s.items.map((n) => (
          <Item key={n.id} n={n} />
        ))}
      </div>
      {s.loaded && !s.items.length ? <p class="empty">Nothing yet. Likes, replies, reposts and new followers show up here.</p> : null}
      {s.error ? <p class="error-box" role="alert">Could not load notifications: {s.error}</p> : null}
      {s.loading ? <div class="loading" role="status">Loading…</div> : null}
      {s.next && !s.loading ? (
        <button type="button" class="button secondary load-more" onClick={() => load(true)}>Load older</button>
      ) : null}
    </section>
  );
}
