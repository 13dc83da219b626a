import { useEffect } from "preact/hooks";
import { page } from "../lib/api.ts";
import { navigate, useRoute } from "../lib/router.ts";
import { composer, me, useValue } from "../lib/store.ts";
import type { Status } from "../lib/types.ts";
import { Avatar } from "../components/Account.tsx";
import { Timeline } from "../components/Timeline.tsx";

const TABS = [
  { key: "following", label: "Following", path: "/api/v1/timelines/home", query: {}, stream: "user" },
  { key: "local", label: "This server", path: "/api/v1/timelines/public", query: { local: true }, stream: "public:local" },
  { key: "all", label: "Fediverse", path: "/api/v1/timelines/public", query: {}, stream: "public" },
] as const;

function loader(path: string, query: Record<string, boolean>) {
  return (url: string | null) => page<Status>(url ?? path, url ? undefined : { limit: 20, ...query });
}

/** The home screen: a prompt to write, then the feed the reader picked. */
export function Home({ explore = false }: { explore?: boolean }) {
  const route = useRoute();
  const account = useValue(me);
  const key = explore ? (route.query.get("feed") === "all" ? "all" : "local") : "following";
  const tab = TABS.find((t) => t.key === key)!;
  useEffect(() => {
    document.title = `${tab.label} · Weft`;
  }, [key]);
  const hrefOf = (k: string) => (k === "following" ? "/" : k === "local" ? "/explore" : "/explore?feed=all");
  return (
    <section class="screen" aria-labelledby="home-title">
      <div class="screen-head">
        <h1 id="home-title" tabIndex={-1} class="visually-hidden">Home: {tab.label}</h1>
        <nav class="tabs" aria-label="Feeds">
          {TABS.map((t) => (
            <a
              href={hrefOf(t.key)}
              class={`tab ${t.key === key ? "active" : ""}`}
              aria-current={t.key === key ? "page" : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate(hrefOf(t.key), { replace: true });
              }}
            >
              {t.label}
            </a>
          ))}
        </nav>
      </div>
      {account ? (
        <button type="button" class="prompt" onClick={() => composer.set({})}>
          <Avatar account={account} size={36} link={false} />
          <span class="prompt-text">What's new?</span>
          <span class="button small">Post</span>
        </button>
      ) : null}
      <Timeline
        key={key}
        cacheKey={key === "following" ? "home" : `public:${key}`}
        label={tab.label}
        load={loader(tab.path, tab.query)}
        stream={{ name: tab.stream }}
        empty={
          key === "following" ? (
            <>
              <p><strong>Your feed is empty.</strong></p>
              <p>Follow people to see their posts here. Paste a handle like <code>@someone@mastodon.social</code> into <a href="/search">Search</a>.</p>
            </>
          ) : (
            <p>No posts yet.</p>
          )
        }
      />
    </section>
  );
}
