import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { userSettings } from "../../domain/profile.ts";
import type { Visibility } from "../../domain/visibility.ts";
import { authenticate, currentAccount, requireScope, requireUser } from "../auth.ts";

export interface MastodonPreferences {
  "posting:default:visibility": Visibility;
  "posting:default:sensitive": boolean;
  "posting:default:language": string | null;
  "reading:expand:media": "default" | "show_all" | "hide_all";
  "reading:expand:spoilers": boolean;
}

const VISIBILITIES = new Set(["public", "unlisted", "private", "direct"]);
const EXPAND_MEDIA = new Set(["default", "show_all", "hide_all"]);

/** GET /api/v1/preferences: the posting defaults update_credentials sets, and reading preferences. */
export function mount(routes: Hono, app: WeftApp): void {
  routes.get("/api/v1/preferences", authenticate(app), requireScope("read:accounts"), requireUser, async (c) => {
    const s = await userSettings(app.ctx, currentAccount(c).id);
    const visibility = typeof s.default_visibility === "string" && VISIBILITIES.has(s.default_visibility) ? s.default_visibility : "public";
    const media = typeof s.expand_media === "string" && EXPAND_MEDIA.has(s.expand_media) ? s.expand_media : "default";
    const body: MastodonPreferences = {
      "posting:default:visibility": visibility,
      "posting:default:sensitive": s.default_sensitive === true,
      "posting:default:language": typeof s.default_language === "string" ? s.default_language : null,
      "reading:expand:media": media as MastodonPreferences["reading:expand:media"],
      "reading:expand:spoilers": s.expand_spoilers === true,
    };
    return c.json(body);
  });
}
