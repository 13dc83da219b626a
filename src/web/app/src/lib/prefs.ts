import { Value } from "./store.ts";

/* What this browser remembers for the reader (not account settings, which live on the server). */

export interface Preferences {
  theme: "auto" | "light" | "dark";
  /** show media marked sensitive without a click */
  showSensitive: boolean;
  /** open content warnings without a click */
  expandWarnings: boolean;
}

const KEY = "weft:prefs";

function load(): Preferences {
  const fallback: Preferences = { theme: "auto", showSensitive: false, expandWarnings: false };
  try {
    return { ...fallback, ...JSON.parse(localStorage.getItem(KEY) ?? "{}") };
  } catch {
    return fallback;
  }
}

export const preferences = new Value<Preferences>(load());

export function setPreference<K extends keyof Preferences>(key: K, value: Preferences[K]): void {
  preferences.update((p) => ({ ...p, [key]: value }));
  localStorage.setItem(KEY, JSON.stringify(preferences.get()));
}

function applyTheme(p: Preferences): void {
  const root = document.documentElement;
  if (p.theme === "auto") delete root.dataset.theme;
  else root.dataset.theme = p.theme;
}

applyTheme(preferences.get());
preferences.subscribe(applyTheme);
