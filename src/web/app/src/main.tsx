import { render } from "preact";
import "./styles.css";
import { App } from "./App.tsx";
import { interceptLinks } from "./lib/router.ts";

const root = document.getElementById("app")!;
root.textContent = "";

/* Links to pages the app has (profiles, posts, tags, its own screens) open inside it. */
const APP_PATHS = /^\/(@[^/]+(\/\d+)?|tags\/[^/]+|home|notifications|search|explore|settings(\/[a-z-]+)?|bookmarks|favourites)?$/;
interceptLinks(document.body, (a) => {
  if (a.origin !== location.origin) return null;
  return APP_PATHS.test(a.pathname) ? a.pathname + a.search : null;
});

render(<App />, root);
