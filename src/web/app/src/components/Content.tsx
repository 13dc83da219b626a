import { useEffect, useRef } from "preact/hooks";
import { navigate } from "../lib/router.ts";
import type { Status } from "../lib/types.ts";
import { emojify } from "./Account.tsx";

/*
 * A post's text. Its HTML was sanitised by Weft when the post arrived (remote) or was rendered
 * by Weft (local); mentions and hashtags open inside the app, other links in a new tab.
 */
export function Content({ status, class: cls = "content" }: { status: Status; class?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    for (const a of ref.current?.querySelectorAll("a") ?? []) {
      if (routeOf(status, a)) continue;
      a.target = "_blank";
      a.rel = "noopener noreferrer nofollow";
    }
  }, [status.content]);
  return (
    <div
      ref={ref}
      class={cls}
      lang={status.language ?? undefined}
      dangerouslySetInnerHTML={{ __html: emojify(status.content, status.emojis) }}
      onClick={(e) => {
        const a = (e.target as Element).closest("a");
        if (!a || e.metaKey || e.ctrlKey || e.shiftKey) return;
        const to = routeOf(status, a);
        if (to) {
          e.preventDefault();
          e.stopPropagation();
          navigate(to);
        }
      }}
    />
  );
}

/** Where a link in a post goes inside the app, if anywhere. */
function routeOf(status: Status, a: HTMLAnchorElement): string | null {
  const href = a.getAttribute("href") ?? "";
  const mention = status.mentions.find((m) => m.url === href);
  if (mention) return `/@${mention.acct}`;
  const text = a.textContent ?? "";
  if (a.classList.contains("hashtag") || a.rel.split(" ").includes("tag") || text.startsWith("#")) {
    const tag = status.tags.find((t) => t.url === href || `#${t.name}`.toLowerCase() === text.toLowerCase());
    if (tag) return `/tags/${encodeURIComponent(tag.name)}`;
  }
  if (a.classList.contains("mention") && text.startsWith("@")) {
    try {
      const u = new URL(href);
      const name = text.replace(/^@/, "").split("@")[0];
      return u.origin === location.origin ? `/@${name}` : `/@${name}@${u.host}`;
    } catch {
      return null;
    }
  }
  return null;
}
