import { useEffect } from "preact/hooks";
import { navigate } from "./router.ts";
import { composer } from "./store.ts";

/*
 * Keyboard shortcuts, as in other fediverse apps: j / k move between posts, n writes a new
 * post, / goes to search. Ignored while typing or while a dialog is open.
 */
export function useKeyboardShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement;
      if (t.closest("input, textarea, select, [contenteditable], dialog")) return;
      if (document.querySelector("dialog[open]")) return;
      if (e.key === "n") {
        e.preventDefault();
        composer.set({});
      } else if (e.key === "/") {
        e.preventDefault();
        navigate("/search");
        requestAnimationFrame(() => document.querySelector<HTMLInputElement>("#search-input")?.focus());
      } else if (e.key === "j" || e.key === "k") {
        const posts = [...document.querySelectorAll<HTMLElement>("main article.status")];
        if (!posts.length) return;
        const current = posts.findIndex((p) => p === t || p.contains(t));
        let next = current < 0 ? 0 : current + (e.key === "j" ? 1 : -1);
        next = Math.max(0, Math.min(posts.length - 1, next));
        e.preventDefault();
        posts[next].focus();
        posts[next].scrollIntoView({ block: "nearest" });
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}
