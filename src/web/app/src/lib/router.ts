import { useEffect, useState } from "preact/hooks";

/*
 * A small history router. Paths follow Mastodon's and the public pages' (/@alice, /@alice/123,
 * /tags/x), so a link copied from the app opens the public page for someone without the app.
 */

type Listener = () => void;
const listeners = new Set<Listener>();
/** Scroll positions by history entry, so Back returns to where the reader was. */
const scrolls = new Map<string, number>();

function key(): string {
  return String((history.state as { k?: string } | null)?.k ?? "0");
}

let current = key();

function emit(): void {
  for (const l of listeners) l();
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const target = new URL(to, location.href);
  if (target.origin !== location.origin) {
    location.assign(target.href);
    return;
  }
  const path = target.pathname + target.search + target.hash;
  if (path === location.pathname + location.search + location.hash && !options.replace) return;
  scrolls.set(current, window.scrollY);
  if (options.replace) history.replaceState({ k: current }, "", path);
  else history.pushState({ k: (current = `${Date.now()}-${Math.random()}`) }, "", path);
  emit();
  window.scrollTo(0, 0);
}

window.addEventListener("popstate", () => {
  scrolls.set(current, window.scrollY);
  current = key();
  emit();
  const y = scrolls.get(current);
  // After the view has rendered from its cache.
  requestAnimationFrame(() => requestAnimationFrame(() => window.scrollTo(0, y ?? 0)));
});

if (!history.state) history.replaceState({ k: current }, "");
// The app restores scroll positions itself, after its views have rendered.
history.scrollRestoration = "manual";

export interface Route {
  path: string;
  query: URLSearchParams;
}

export function currentRoute(): Route {
  return { path: decodeURI(location.pathname), query: new URLSearchParams(location.search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const l = () => setRoute(currentRoute());
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return route;
}

/** Same-origin links inside the app (including those in post content) navigate without a reload. */
export function interceptLinks(root: HTMLElement, resolve: (a: HTMLAnchorElement) => string | null): void {
  root.addEventListener("click", (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element).closest?.("a");
    if (!a || a.target === "_blank" || a.hasAttribute("download")) return;
    const to = resolve(a);
    if (to === null) return;
    e.preventDefault();
    navigate(to);
  });
}
