import { useEffect, useRef, useState } from "preact/hooks";
import { copyLink, deleteStatus, toggleBookmark, toggleFavourite, toggleReblog } from "../lib/actions.ts";
import { get } from "../lib/api.ts";
import { count, domainOf, fullDate, htmlToText, relativeTime, relativeTimeLong, statusPath, useNow, displayName } from "../lib/format.ts";
import { preferences } from "../lib/prefs.ts";
import { navigate } from "../lib/router.ts";
import { composer, deleted, getStatus, me, putStatus, useStatus, useValue } from "../lib/store.ts";
import type { Status as StatusT, Visibility } from "../lib/types.ts";
import { AccountLine, Avatar, Name } from "./Account.tsx";
import { PreviewCard } from "./Card.tsx";
import { Content } from "./Content.tsx";
import { Icon } from "./Icon.tsx";
import { MediaGrid } from "./Media.tsx";
import { Poll } from "./Poll.tsx";

export const VISIBILITY: Record<Visibility, { label: string; icon: string; hint: string }> = {
  public: { label: "Public", icon: "globe", hint: "Anyone, on and off this server" },
  unlisted: { label: "Quiet public", icon: "unlock", hint: "Anyone, but not in public feeds" },
  private: { label: "Followers", icon: "lock", hint: "Only your followers" },
  direct: { label: "Mentioned only", icon: "at", hint: "Only the people you mention" },
};

function RelTime({ iso, href }: { iso: string; href: string }) {
  const now = useNow();
  return (
    <a class="time" href={href} title={fullDate(iso)}>
      <time dateTime={iso} aria-label={relativeTimeLong(iso, now)}>{relativeTime(iso, now)}</time>
    </a>
  );
}

/** The post being replied to, quoted small above the reply (feeds only; threads show it in full). */
function ParentQuote({ id }: { id: string }) {
  const cached = useStatus(id);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    if (getStatus(id)) return;
    let live = true;
    get<StatusT>(`/api/v1/statuses/${id}`).then(
      (s) => live && putStatus(s),
      () => live && setMissing(true),
    );
    return () => void (live = false);
  }, [id]);
  const parent = cached ?? getStatus(id);
  if (missing) return <p class="reply-quote muted">Replying to a post that is not available</p>;
  if (!parent) return <p class="reply-quote muted" aria-busy="true">Replying to …</p>;
  const text = parent.spoiler_text ? `Content warning: ${parent.spoiler_text}` : htmlToText(parent.content);
  return (
    <a class="reply-quote" href={statusPath(parent)}>
      <span class="visually-hidden">Replying to </span>
      <span class="reply-quote-head">
        <img class="avatar" src={parent.account.avatar} alt="" width={18} height={18} loading="lazy" />
        <Name account={parent.account} />
        <span class="handle">@{parent.account.acct}</span>
      </span>
      <span class="reply-quote-text">{text || (parent.media_attachments.length ? "Photo" : "")}</span>
    </a>
  );
}

function MoreMenu({ status }: { status: StatusT }) {
  const viewer = useValue(me);
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("click", close, true);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("click", close, true);
      document.removeEventListener("keydown", close);
    };
  }, [open]);
  const remote = domainOf(status.account);
  const link = status.url ?? status.uri;
  const item = (label: string, run: () => void) => (
    <li>
      <button type="button" role="menuitem" onClick={() => { setOpen(false); run(); }}>{label}</button>
    </li>
  );
  return (
    <div class="menu-wrap" ref={ref}>
      <button type="button" class="icon-button" aria-haspopup="menu" aria-expanded={open} aria-label="More options" onClick={() => setOpen(!open)}>
        <Icon name="more" />
      </button>
      {open ? (
        <ul class="menu" role="menu">
          {item("Copy link", () => copyLink(link))}
          {remote ? item(`Open on ${remote}`, () => window.open(link, "_blank", "noopener")) : null}
          {item(status.bookmarked ? "Remove bookmark" : "Bookmark", () => toggleBookmark(status))}
          {viewer?.id === status.account.id
            ? item("Delete", () => {
                if (confirm("Delete this post?")) void deleteStatus(status);
              })
            : null}
        </ul>
      ) : null}
    </div>
  );
}

function Actions({ status }: { status: StatusT }) {
  const canBoost = status.visibility === "public" || status.visibility === "unlisted";
  return (
    <div class="actions" role="group" aria-label="Actions">
      <button
        type="button"
        class={`action like ${status.favourited ? "on" : ""}`}
        aria-pressed={!!status.favourited}
        aria-label={`Like, ${status.favourites_count} likes`}
        onClick={() => toggleFavourite(status)}
      >
        <Icon name="heart" filled={status.favourited} />
        <span aria-hidden="true">{status.favourites_count ? count(status.favourites_count) : ""}</span>
      </button>
      <button
        type="button"
        class="action reply"
        aria-label={`Reply, ${status.replies_count} replies`}
        onClick={() => composer.set({ replyTo: status })}
      >
        <Icon name="reply" />
        <span aria-hidden="true">{status.replies_count ? count(status.replies_count) : ""}</span>
      </button>
      <button
        type="button"
        class={`action boost ${status.reblogged ? "on" : ""}`}
        aria-pressed={!!status.reblogged}
        aria-label={canBoost ? `Repost, ${status.reblogs_count} reposts` : "This post cannot be reposted"}
        disabled={!canBoost}
        onClick={() => toggleReblog(status)}
      >
        <Icon name="boost" />
        <span aria-hidden="true">{status.reblogs_count ? count(status.reblogs_count) : ""}</span>
      </button>
      <button
        type="button"
        class="action share"
        aria-label="Share"
        onClick={() => {
          const url = status.url ?? status.uri;
          if (navigator.share) navigator.share({ url }).catch(() => {});
          else void copyLink(url);
        }}
      >
        <Icon name="share" />
      </button>
    </div>
  );
}

export interface StatusProps {
  id: string;
  /** the post the page is about (a thread's focus): bigger text, full date, where it came from */
  focus?: boolean;
  /** quote the post this replies to (off in threads, where it is shown above) */
  showParent?: boolean;
  /** a line down from the avatar, joining it to the next post of a thread */
  threadLine?: boolean;
}

export function StatusCard({ id, focus = false, showParent = true, threadLine = false }: StatusProps) {
  const outer = useStatus(id);
  const gone = useValue(deleted);
  const prefs = useValue(preferences);
  const [cwOpen, setCwOpen] = useState(prefs.expandWarnings);
  if (!outer || gone.has(id) || (outer.reblog && gone.has(outer.reblog.id))) return null;
  return <StatusInner outer={outer} focus={focus} showParent={showParent} threadLine={threadLine} cwOpen={cwOpen} setCwOpen={setCwOpen} />;
}

function StatusInner(props: { outer: StatusT; focus: boolean; showParent: boolean; threadLine: boolean; cwOpen: boolean; setCwOpen: (v: boolean) => void }) {
  const { outer, focus, cwOpen, setCwOpen } = props;
  // A boost is shown as the boosted post, with who boosted it above.
  const live = useStatus(outer.reblog?.id ?? outer.id);
  const s = outer.reblog ? (live ?? outer.reblog) : (live ?? outer);
  const [unfiltered, setUnfiltered] = useState(false);
  // The reader's own filters, as the server matched them: hidden, or behind a line saying which filter.
  const matched = [...(outer.filtered ?? []), ...(outer.reblog ? (s.filtered ?? []) : [])];
  if (!focus && matched.some((m) => m.filter.filter_action === "hide")) return null;
  if (!focus && matched.length && !unfiltered) {
    return (
      <article class="status filtered" aria-label="Filtered post">
        <span class="muted">Filtered: {matched.map((m) => m.filter.title).join(", ")}</span>
        <button type="button" class="button small secondary" onClick={() => setUnfiltered(true)}>Show anyway</button>
      </article>
    );
  }
  const path = statusPath(s);
  const remote = domainOf(s.account);
  const textLabel = `${displayName(s.account)}, ${relativeTimeLong(s.created_at)}`;
  const open = (e: MouseEvent | KeyboardEvent) => {
    const t = e.target as HTMLElement;
    if (focus || t.closest("a, button, input, label, video, audio, summary, .media-grid, .poll")) return;
    if (window.getSelection()?.toString()) return;
    navigate(path);
  };
  return (
    <article
      class={`status ${focus ? "focus" : ""} ${props.threadLine ? "has-thread-line" : ""}`}
      aria-label={textLabel}
      tabIndex={0}
      data-id={s.id}
      onClick={open}
      onKeyDown={(e) => {
        if (e.key === "Enter" && e.target === e.currentTarget) open(e);
      }}
    >
      {outer.reblog ? (
        <p class="boosted-by">
          <Icon name="boost" size={14} />
          <a href={`/@${outer.account.acct}`}><Name account={outer.account} /></a> reposted
        </p>
      ) : null}
      <div class="status-grid">
        <div class="status-side">
          <Avatar account={s.account} size={focus ? 48 : 40} />
          {props.threadLine ? <span class="thread-line" aria-hidden="true" /> : null}
        </div>
        <div class="status-main">
          <header class="status-head">
            <AccountLine account={s.account} />
            {!focus ? <RelTime iso={s.created_at} href={path} /> : null}
            {s.visibility !== "public" ? (
              <span class="visibility" title={VISIBILITY[s.visibility].label}>
                <Icon name={VISIBILITY[s.visibility].icon} size={14} label={VISIBILITY[s.visibility].label} />
              </span>
            ) : null}
            <MoreMenu status={s} />
          </header>
          {props.showParent && s.in_reply_to_id && !focus ? <ParentQuote id={s.in_reply_to_id} /> : null}
          {s.spoiler_text ? (
            <div class="cw">
              <span class="cw-text"><Icon name="warning" size={16} /> {s.spoiler_text}</span>
              <button type="button" class="button small secondary" aria-expanded={cwOpen} onClick={() => setCwOpen(!cwOpen)}>
                {cwOpen ? "Show less" : "Show more"}
              </button>
            </div>
          ) : null}
          {!s.spoiler_text || cwOpen ? (
            <>
              <Content status={s} class={focus ? "content large" : "content"} />
              <MediaGrid media={s.media_attachments} sensitive={s.sensitive} />
              {s.poll ? <Poll status={s} poll={s.poll} /> : null}
              {s.card && !s.media_attachments.length && !s.poll ? <PreviewCard card={s.card} /> : null}
            </>
          ) : null}
          {focus ? (
            <p class="status-meta muted">
              <time dateTime={s.created_at}>{fullDate(s.created_at)}</time>
              {s.edited_at ? ` · edited ${relativeTime(s.edited_at)}` : ""}
              {" · "}
              {remote ? (
                <a href={s.url ?? s.uri} target="_blank" rel="noopener noreferrer">from {remote}</a>
              ) : (
                <span>posted on this server</span>
              )}
            </p>
          ) : null}
          <Actions status={s} />
        </div>
      </div>
    </article>
  );
}
