import { render } from "preact";
import "./styles.css";
import { App } from "./App.tsx";
import { interceptLinks } from "./lib/router.ts";

const root = document.getElementById("app")!;
root.textContent = "";

/* Links to pages the app has (profiles, posts, tags, its own screens) open inside it. */
const APP_PATHS = /^\/(@[^/]+(\/\d+)?|tags\/[^/]+|home|notifications|search|explore|settings(\/[a-z-]+)?|bookmarks|favourites)?$/;
/* Account settings the server renders (src/web/settings): a full page load, not an app screen. */
const SERVER_PAGES = /^\/settings\/(password|apps|export|delete)(\/|$)/;
interceptLinks(document.body, (a) => {
  if (a.origin !== location.origin) return null;
  if (SERVER_PAGES.test(a.pathname)) return null;
  return APP_PATHS.test(a.pathname) ? a.pathname + a.search : null;
});

render(<App />, root);
