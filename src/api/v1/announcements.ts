import type { Context, Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { announcementExists, currentAnnouncements, dismissAnnouncement, type AnnouncementView } from "../../domain/announcements.ts";
import { authenticate, currentAccount, currentAuth, requireScope, requireUser } from "../auth.ts";
import { bioHtml, isoDate } from "../entities/format.ts";
import { ApiError, notFound } from "../errors.ts";
import { flag } from "./accounts-read.ts";
import { pathId } from "./status-views.ts";

const ID = "{[0-9]+}";

export interface MastodonAnnouncement {
  id: string;
  content: string;
  starts_at: string | null;
  ends_at: string | null;
  all_day: boolean;
  published_at: string;
  updated_at: string;
  read?: boolean;
  mentions: [];
  statuses: [];
  tags: [];
  emojis: [];
  reactions: [];
}

function serializeAnnouncement(v: AnnouncementView, config: WeftApp["config"]): MastodonAnnouncement {
  const a = v.announcement;
  const out: MastodonAnnouncement = {
    id: a.id,
    content: bioHtml(a.text, config),
    starts_at: isoDate(a.starts_at),
    ends_at: isoDate(a.ends_at),
    all_day: a.all_day === 1,
    published_at: isoDate(a.published_at ?? a.created_at),
    updated_at: isoDate(a.updated_at),
    mentions: [],
    statuses: [],
    tags: [],
    emojis: [],
    reactions: [],
  };
  if (v.read !== null) out.read = v.read;
  return out;
}

/** GET /api/v1/announcements ([] when the admins have said nothing) and dismissing one. */
export function mount(routes: Hono, app: WeftApp): void {
  const { ctx, config } = app;
  const auth = authenticate(app);
  const write = [auth, requireScope("write:accounts"), requireUser] as const;

  // Mastodon asks for a token with `read` here (an app token will do), unlike most public reads.
  routes.get("/api/v1/announcements", auth, requireScope("read"), async (c) => {
    const viewer = currentAuth(c)?.account?.id ?? null;
    const found = await currentAnnouncements(ctx, viewer, { withDismissed: flag(c.req.query("with_dismissed")) });
    return c.json(found.map((v) => serializeAnnouncement(v, config)));
  });

  routes.post(`/api/v1/announcements/:id${ID}/dismiss`, ...write, async (c) => {
    await dismissAnnouncement(ctx, currentAccount(c).id, pathId(c));
    return c.json({});
  });

  // Reactions to announcements are not kept; an unknown announcement is still 404.
  const reactions = async (c: Context): Promise<Response> => {
    if (!(await announcementExists(ctx, pathId(c)))) throw notFound();
    throw new ApiError(422, "Validation failed: Reactions to announcements are not supported");
  };
  routes.put(`/api/v1/announcements/:id${ID}/reactions/:name`, ...write, reactions);
  routes.delete(`/api/v1/announcements/:id${ID}/reactions/:name`, ...write, reactions);
}
