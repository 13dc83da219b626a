import { useEffect, useState } from "preact/hooks";
import { get } from "../lib/api.ts";
import { plural } from "../lib/format.ts";
import { navigate } from "../lib/router.ts";
import { putAccount, putStatuses } from "../lib/store.ts";
import { loadRelationships } from "../lib/actions.ts";
import type { SearchResults } from "../lib/types.ts";
import { AccountLine, Avatar } from "../components/Account.tsx";
import { FollowButton } from "../components/FollowButton.tsx";
import { Icon } from "../components/Icon.tsx";
import { StatusCard } from "../components/Status.tsx";

/** A handle (@user@server) or a link: fetched from its server, so it can be followed or replied to from here. */
function isRemoteRef(q: string): boolean {
  return /^@?[\w.-]+@[\w.-]+(:\d+)?$/.test(q) || /^https?:\/\//i.test(q);
}

export function Search({ query }: { query: string }) {
  const [text, setText] = useState(query);
  const [results, setResults] = useState<SearchResults | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setText(query);
    document.title = query ? `Search: ${query} · Weft` : "Search · Weft";
    if (!query.trim()) {
      setResults(null);
      return;
    }
    let live = true;
    setLoading(true);
    setError(null);
    get<SearchResults>("/api/v2/search", { q: query.trim(), resolve: isRemoteRef(query.trim()), limit: 20 }).then(
      (r) => {
        if (!live) return;
        r.accounts.forEach(putAccount);
        putStatuses(r.statuses);
        void loadRelationships(r.accounts.map((a) => a.id)).catch(() => {});
        setResults(r);
        setLoading(false);
        // A pasted post link goes straight to the post.
        if (/^https?:\/\//i.test(query.trim()) && r.statuses.length === 1 && !r.accounts.length) {
          navigate(`/@${r.statuses[0].account.acct}/${r.statuses[0].id}`, { replace: true });
        }
      },
      (err) => {
        if (!live) return;
        setError((err as Error).message);
        setLoading(false);
      },
    );
    return () => void (live = false);
  }, [query]);

  const nothing = results && !results.accounts.length && !results.statuses.length && !results.hashtags.length;
  return (
    <section class="screen" aria-labelledby="search-title">
      <div class="screen-head">
        <h1 id="search-title" tabIndex={-1}>Search</h1>
      </div>
      <form role="search" class="search-form" onSubmit={(e) => {
        e.preventDefault();
        navigate(`/search?q=${encodeURIComponent(text.trim())}`, { replace: !!query });
      }}>
        <Icon name="search" />
        <label class="visually-hidden" for="search-input">Search people, tags and posts, or paste a handle or link</label>
        <input id="search-input" type="search" value={text} placeholder="Search, or paste @user@server or a link" autocomplete="off" autocapitalize="none" spellcheck={false}
          onInput={(e) => setText((e.target as HTMLInputElement).value)} />
      </form>
      {!query ? (
        <p class="hint search-hint">
          Find people here and on other servers: paste a handle like <code>@someone@mastodon.social</code> or a link to a profile or post,
          and follow or reply from here.
        </p>
      ) : null}
      {loading ? <div class="loading" role="status">{isRemoteRef(query) ? "Looking it up on its server…" : "Searching…"}</div> : null}
      {error ? <p class="error-box" role="alert">Search failed: {error}</p> : null}
      {nothing && !loading ? <p class="empty">Nothing found for “{query}”.</p> : null}
      {results?.accounts.length ? (
        <section aria-labelledby="people-title">
          <h2 id="people-title" class="section-title">People</h2>
          <ul class="account-list">
            {results.accounts.map((a) => (
              <li class="account-row">
                <Avatar account={a} size={44} />
                <div class="account-row-main">
                  <AccountLine account={a} />
                  <p class="small muted">{plural(a.followers_count, "follower")}</p>
                </div>
                <FollowButton account={a} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {results?.hashtags.length ? (
        <section aria-labelledby="tags-title">
          <h2 id="tags-title" class="section-title">Tags</h2>
          <ul class="tag-list">
            {results.hashtags.map((t) => (
              <li><a class="pill tag" href={`/tags/${encodeURIComponent(t.name)}`}>#{t.name}</a></li>
            ))}
          </ul>
        </section>
      ) : null}
      {results?.statuses.length ? (
        <section aria-labelledby="posts-title">
          <h2 id="posts-title" class="section-title">Posts</h2>
          <div role="feed" aria-labelledby="posts-title">
            {results.statuses.map((s) => <StatusCard key={s.id} id={s.id} />)}
          </div>
        </section>
      ) : null}
    </section>
  );
}
