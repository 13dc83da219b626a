import { useEffect, useState } from "preact/hooks";
import { ApiError, get, whenUnauthorized } from "./lib/api.ts";
import { dropSession, loadSession } from "./lib/auth.ts";
import { navigate, useRoute, type Route } from "./lib/router.ts";
import { composer, instance, me, toasts, unreadNotifications, useValue } from "./lib/store.ts";
import { startStreaming, stopStreaming, subscribe } from "./lib/stream.ts";
import type { CredentialAccount, Instance, Notification } from "./lib/types.ts";
import { ComposerDialog } from "./components/Composer.tsx";
import { Icon } from "./components/Icon.tsx";
import { Callback, PendingApproval, SignUp, Welcome } from "./screens/Welcome.tsx";
import { Home } from "./screens/Home.tsx";
import { Thread } from "./screens/Thread.tsx";
import { Profile } from "./screens/Profile.tsx";
import { Notifications, pushNotification, setUnreadFromServer } from "./screens/Notifications.tsx";
import { Search } from "./screens/Search.tsx";
import { TagFeed, SavedFeed } from "./screens/Feeds.tsx";
import { Settings } from "./screens/Settings.tsx";
import { useKeyboardShortcuts } from "./lib/keys.ts";

/** Profile, post and tag pages exist without the app too; there, a browser that is not signed in gets them. */
const PUBLIC_PAGE = /^\/(@[^/]+(\/\d+)?|tags\/[^/]+)$/;

function showPublicPageInstead(): boolean {
  if (!PUBLIC_PAGE.test(location.pathname) || sessionStorage.getItem("weft:reloaded") === location.pathname) return false;
  // The app's cookie is gone now, so the server answers with the public page.
  sessionStorage.setItem("weft:reloaded", location.pathname);
  location.reload();
  return true;
}

type Boot = { kind: "loading" } | { kind: "signed-out" } | { kind: "pending" } | { kind: "ready" } | { kind: "error"; message: string };

async function loadInstance(): Promise<void> {
  if (!instance.get()) instance.set(await get<Instance>("/api/v2/instance", undefined, { auth: false }));
}

export function App() {
  const route = useRoute();
  const [boot, setBoot] = useState<Boot>({ kind: "loading" });

  useEffect(() => {
    whenUnauthorized(() => {
      dropSession();
      stopStreaming();
      me.set(null);
      if (!showPublicPageInstead()) setBoot({ kind: "signed-out" });
    });
    const session = loadSession();
    void loadInstance().catch(() => {});
    if (!session) {
      if (!showPublicPageInstead()) setBoot({ kind: "signed-out" });
      return;
    }
    sessionStorage.removeItem("weft:reloaded");
    get<CredentialAccount>("/api/v1/accounts/verify_credentials").then(
      (account) => {
        me.set(account);
        setBoot({ kind: "ready" });
      },
      (err) => {
        if (err instanceof ApiError && err.status === 403) setBoot({ kind: "pending" });
        else if (err instanceof ApiError && err.status === 401) setBoot({ kind: "signed-out" });
        else setBoot({ kind: "error", message: (err as Error).message });
      },
    );
  }, []);

  useEffect(() => {
    if (boot.kind !== "ready") return;
    startStreaming();
    get<{ count: number }>("/api/v1/notifications/unread_count").then((r) => setUnreadFromServer(r.count), () => {});
    const off = subscribe("user", (e) => {
      if (e.event === "notification") pushNotification(e.payload as Notification);
    });
    return () => {
      off();
      stopStreaming();
    };
  }, [boot.kind]);

  if (route.path === "/auth/callback") return <Callback onSignedIn={(to) => location.replace(to)} />;
  if (boot.kind === "loading") return <div class="boot" role="status">Loading…</div>;
  if (boot.kind === "error") {
    return (
      <main class="welcome" id="main">
        <h1>Weft could not start</h1>
        <p role="alert">{boot.message}</p>
        <button class="button" type="button" onClick={() => location.reload()}>Try again</button>
      </main>
    );
  }
  if (boot.kind === "pending") return <PendingApproval />;
  if (boot.kind === "signed-out") {
    if (route.path === "/sign-up") return <SignUp />;
    return <Welcome />;
  }
  return <Shell route={route} />;
}

function NavLink({ href, icon, label, active, badge }: { href: string; icon: string; label: string; active: boolean; badge?: number }) {
  return (
    <a href={href} class={`nav-link ${active ? "active" : ""}`} aria-current={active ? "page" : undefined}>
      <span class="nav-icon">
        <Icon name={icon} size={26} filled={false} />
        {badge ? <span class="badge" aria-hidden="true">{badge > 99 ? "99+" : badge}</span> : null}
      </span>
      <span class="nav-label">{label}{badge ? <span class="visually-hidden"> ({badge} unread)</span> : null}</span>
    </a>
  );
}

function Toasts() {
  const list = useValue(toasts);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div class="toast" key={t.id}>{t.text}</div>
      ))}
    </div>
  );
}

function Screen({ route }: { route: Route }) {
  const p = route.path;
  if (p === "/" || p === "/home") return <Home />;
  if (p === "/explore") return <Home explore />;
  if (p === "/notifications") return <Notifications />;
  if (p === "/search") return <Search query={route.query.get("q") ?? ""} />;
  if (p === "/bookmarks") return <SavedFeed kind="bookmarks" />;
  if (p === "/favourites") return <SavedFeed kind="favourites" />;
  if (p === "/settings" || p.startsWith("/settings/")) return <Settings section={p.split("/")[2] ?? "profile"} />;
  const tag = /^\/tags\/([^/]+)$/.exec(p);
  if (tag) return <TagFeed tag={tag[1]} />;
  const status = /^\/@([^/]+)\/(\d+)$/.exec(p);
  if (status) return <Thread id={status[2]} key={status[2]} />;
  const profile = /^\/@([^/]+)$/.exec(p);
  if (profile) return <Profile acct={profile[1]} key={profile[1]} />;
  if (p === "/sign-in" || p === "/sign-up") {
    navigate("/", { replace: true });
    return null;
  }
  return (
    <section class="screen">
      <div class="screen-head"><h1 tabIndex={-1}>Not found</h1></div>
      <p class="empty">There is nothing at this address. <a href="/">Go home</a></p>
    </section>
  );
}

function Shell({ route }: { route: Route }) {
  const account = useValue(me);
  const unread = useValue(unreadNotifications);
  const server = useValue(instance);
  useKeyboardShortcuts();
  const p = route.path;
  const isAdmin = account?.role?.permissions === "1" || !!account?.roles?.some((r) => r.name === "Admin");
  useEffect(() => {
    // After a navigation (not the first paint), move focus to the new screen's heading for screen readers.
    const h = document.querySelector<HTMLElement>("main h1");
    if (h && document.activeElement !== document.body) h.focus({ preventScroll: true });
  }, [p]);
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <div class="layout">
        <header class="sidebar">
          <a class="logo" href="/" aria-label={`${server?.title ?? "Weft"}: front page`}>
            <svg viewBox="0 0 64 64" width="34" height="34" aria-hidden="true"><rect width="64" height="64" rx="16" fill="currentColor" /><path class="logo-w" d="M14 20h8l6 20 4-14 4 14 6-20h8l-10 28h-7l-5-15-5 15h-7z" /></svg>
          </a>
          <nav aria-label="Main">
            <NavLink href="/" icon="home" label="Home" active={p === "/" || p === "/home" || p === "/explore"} />
            <NavLink href="/search" icon="search" label="Search" active={p === "/search" || p.startsWith("/tags/")} />
            <button type="button" class="nav-link compose-link" onClick={() => composer.set({})} aria-keyshortcuts="n">
              <span class="nav-icon"><Icon name="plus" size={26} /></span>
              <span class="nav-label">New post</span>
            </button>
            <NavLink href="/notifications" icon="bell" label="Notifications" active={p === "/notifications"} badge={unread} />
            <NavLink href={account ? `/@${account.acct}` : "/"} icon="user" label="Profile" active={!!account && p === `/@${account.acct}`} />
            <NavLink href="/settings" icon="settings" label="Settings" active={p.startsWith("/settings")} />
          </nav>
          {isAdmin ? <a class="admin-link" href="/admin" target="_self">Admin</a> : null}
        </header>
        <main id="main" tabIndex={-1}>
          <Screen route={route} />
        </main>
      </div>
      <ComposerDialog />
      <Toasts />
    </>
  );
}
