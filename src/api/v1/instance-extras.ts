import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { knownPeers, weeklyActivity } from "../../domain/instance-activity.ts";
import { readAdminSettings } from "../../domain/instance-settings.ts";
import { bioHtml } from "../entities/format.ts";

/** ISO 639-1, plus the few ISO 639-3 codes Mastodon also offers for posts. */
const LANGUAGE_CODES = (
  "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en " +
  "eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv " +
  "ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne " +
  "ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st " +
  "su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu ast ckb kab sco"
).split(" ");

let languages: Array<{ code: string; name: string }> | null = null;

/** Codes with their English names, as Mastodon's /api/v1/instance/languages lists them. */
function languageList(): Array<{ code: string; name: string }> {
  if (!languages) {
    const names = new Intl.DisplayNames(["en"], { type: "language", fallback: "code" });
    languages = LANGUAGE_CODES.map((code) => ({ code, name: names.of(code) ?? code }));
  }
  return languages;
}

/**
 * The rest of Mastodon's /api/v1/instance family: peers, weekly activity, the extended
 * description, post languages, translation languages (none: Weft does not translate) and
 * moderated servers (none: Weft has no server-wide domain blocks, so the list is public and empty).
 */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;

  routes.get("/api/v1/instance/peers", async (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.json(await knownPeers(ctx));
  });

  routes.get("/api/v1/instance/activity", async (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    const weeks = await weeklyActivity(ctx);
    return c.json(
      weeks.map((w) => ({
        week: String(w.week),
        statuses: String(w.statuses),
        logins: String(w.logins),
        registrations: String(w.registrations),
      })),
    );
  });

  // Weft does not record when the description changed; Mastodon too sends null while there is none.
  routes.get("/api/v1/instance/extended_description", async (c) => {
    const { siteDescription } = await readAdminSettings(ctx);
    return c.json({ updated_at: null, content: siteDescription ? bioHtml(siteDescription, config) : "" });
  });

  routes.get("/api/v1/instance/languages", (c) => c.json(languageList()));
  routes.get("/api/v1/instance/translation_languages", (c) => c.json({}));
  routes.get("/api/v1/instance/domain_blocks", (c) => c.json([]));
}
