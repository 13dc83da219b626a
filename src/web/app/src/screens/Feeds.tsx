import { useEffect } from "preact/hooks";
import { page } from "../lib/api.ts";
import type { Status } from "../lib/types.ts";
import { BackButton } from "../components/BackButton.tsx";
import { Timeline } from "../components/Timeline.tsx";

export function TagFeed({ tag }: { tag: string }) {
  const name = decodeURIComponent(tag);
  useEffect(() => {
    document.title = `#${name} · Weft`;
  }, [name]);
  return (
    <section class="screen" aria-labelledby="tag-title">
      <div class="screen-head">
        <BackButton />
        <h1 id="tag-title" tabIndex={-1}>#{name}</h1>
      </div>
      <Timeline
        key={name}
        cacheKey={`tag:${name.toLowerCase()}`}
        label={`Posts tagged #${name}`}
        load={(url) => page<Status>(url ?? `/api/v1/timelines/tag/${encodeURIComponent(name)}`, url ? undefined : { limit: 20 })}
        stream={{ name: "hashtag", params: { tag: name } }}
        empty={<p>No posts with #{name} yet.</p>}
      />
    </section>
  );
}

export function SavedFeed({ kind }: { kind: "bookmarks" | "favourites" }) {
  const title = kind === "bookmarks" ? "Bookmarks" : "Likes";
  useEffect(() => {
    document.title = `${title} · Weft`;
  }, [kind]);
  return (
    <section class="screen" aria-labelledby="saved-title">
      <div class="screen-head">
        <BackButton />
        <h1 id="saved-title" tabIndex={-1}>{title}</h1>
      </div>
      <Timeline
        key={kind}
        cacheKey={kind}
        label={title}
        load={(url) => page<Status>(url ?? `/api/v1/${kind}`, url ? undefined : { limit: 20 })}
        empty={<p>{kind === "bookmarks" ? "Posts you bookmark show up here." : "Posts you like show up here."}</p>}
      />
    </section>
  );
}
