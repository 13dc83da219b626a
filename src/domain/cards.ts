import { sql, type Selectable } from "kysely";
import { Parser } from "htmlparser2";
import type { Tx } from "../db/index.ts";
import type { PreviewCardTable } from "../db/schema.ts";
import { enqueueJob } from "../jobs/outbox.ts";
import { CardFetchError, fetchPreviewPage } from "./card-fetch.ts";
import { parsePageDetails } from "./card-parse.ts";
import type { Ctx } from "./context.ts";
import { newId, nowIso } from "./ids.ts";

/*
 * Link preview cards. A status with a plain link (not a mention or hashtag) and no media or
 * poll gets the preview of its first such link, as on Mastodon. Cards are cached by URL: one
 * row, one fetch, shared by every status that links it, refreshed after REFRESH_DAYS.
 *
 * The image stays the remote URL the page named: no thumbnail is downloaded or made here, so
 * clients load it from its site like any other link, and `blurhash` is null.
 */

export type PreviewCard = Selectable<PreviewCardTable>;

export const REFRESH_DAYS = 14;
const DAY_MS = 86_400_000;
/** how long a claimed, unfinished fetch keeps others from starting their own */
const CLAIM_MS = 60_000;

/** The first link in a status's HTML that can have a preview, or null. */
export function firstCardUrl(html: string): string | null {
  let found: string | null = null;
  let candidate: string | null = null;
  let text = "";
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (found || name !== "a") return;
        const cls = ` ${(attrs.class ?? "").toLowerCase()} `;
        const rel = ` ${(attrs.rel ?? "").toLowerCase()} `;
        if (cls.includes(" mention ") || cls.includes(" hashtag ") || rel.includes(" tag ")) return;
        candidate = attrs.href ?? null;
        text = "";
      },
      ontext(t) {
        if (candidate) text += t;
      },
      onclosetag(name) {
        if (name !== "a" || !candidate) return;
        // Servers that do not mark mentions and hashtags still write them as @name and #tag.
        if (!/^\s*[@#]/.test(text)) found ??= cardKey(candidate);
        candidate = null;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return found;
}

/** The URL as cards are keyed: absolute http(s), without the fragment. */
function cardKey(raw: string): string | null {
  try {
    const u = new URL(raw);
    if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    u.hash = "";
    return u.href.length <= 2048 ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * Records the preview work for a freshly stored status, in its transaction. Statuses with
 * media or a poll show those instead, so they get no card.
 */
export async function enqueueCardFetch(
  tx: Tx,
  status: { id: string; content: string },
  has: { media: boolean; poll: boolean },
): Promise<void> {
  if (has.media || has.poll) return;
  const url = firstCardUrl(status.content);
  if (url) await enqueueJob(tx, { kind: "card.fetch", statusId: status.id, url });
}

/**
 * Gives `statusId` the card for `url`, fetching the page unless a fresh copy is cached or
 * another job is fetching it right now. Failures are recorded on the card (no card is shown
 * for it) and not retried before the next refresh.
 */
export async function attachCard(ctx: Ctx, statusId: string, url: string): Promise<PreviewCard | null> {
  const status = await ctx.db.selectFrom("statuses").select("id").where("id", "=", statusId).where("deleted_at", "is", null).executeTakeFirst();
  if (!status) return null;
  const { card, mine } = await claimCard(ctx, url);
  await ctx.db
    .insertInto("status_cards")
    .values({ status_id: statusId, card_id: card.id })
    .onConflict((oc) => oc.column("status_id").doUpdateSet({ card_id: card.id }))
    .execute();
  if (!mine) return card;
  return refreshCard(ctx, card);
}

/** The card row for `url`, and whether this caller should fetch it now. */
async function claimCard(ctx: Ctx, url: string): Promise<{ card: PreviewCard; mine: boolean }> {
  const now = new Date();
  const inserted = await ctx.db
    .insertInto("preview_cards")
    .values({
      id: newId(),
      url,
      title: "",
      description: "",
      type: "link",
      author_name: "",
      author_url: "",
      provider_name: "",
      provider_url: "",
      html: "",
      width: 0,
      height: 0,
      image: null,
      image_description: "",
      blurhash: null,
      language: null,
      published_at: null,
      fetched_at: null,
      error: null,
      created_at: now.toISOString(),
    })
    .onConflict((oc) => oc.column("url").doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { card: inserted, mine: true };

  const card = await ctx.db.selectFrom("preview_cards").selectAll().where("url", "=", url).executeTakeFirstOrThrow();
  // `fetched_at` doubles as the claim: moving it (or created_at, before any fetch) to now in
  // one conditional UPDATE lets exactly one job win.
  const column = card.fetched_at ? "fetched_at" : "created_at";
  const since = card[column]!;
  const stale = card.fetched_at
    ? Date.parse(since) < now.getTime() - REFRESH_DAYS * DAY_MS
    : Date.parse(since) < now.getTime() - CLAIM_MS;
  if (!stale) return { card, mine: false };
  const won = await ctx.db
    .updateTable("preview_cards")
    .set({ [column]: now.toISOString() })
    .where("id", "=", card.id)
    .where(column, "=", since)
    .executeTakeFirst();
  return { card, mine: Number(won.numUpdatedRows) === 1 };
}

async function refreshCard(ctx: Ctx, card: PreviewCard): Promise<PreviewCard> {
  let patch: Partial<PreviewCard>;
  try {
    const page = await fetchPreviewPage(card.url, ctx.config);
    const d = parsePageDetails(page.html, page.url);
    patch = d.title
      ? {
          title: d.title,
          description: d.description,
          type: d.type,
          author_name: d.authorName,
          author_url: d.authorUrl,
          provider_name: d.providerName,
          provider_url: d.providerUrl,
          html: "",
          width: d.width,
          height: d.height,
          image: d.image,
          image_description: d.imageDescription,
          blurhash: null,
          language: d.language,
          published_at: d.publishedAt,
          error: null,
        }
      : { error: "no_title" };
  } catch (err) {
    const reason = err instanceof CardFetchError ? err.reason : "network";
    ctx.log.info({ url: card.url, reason, err: (err as Error).message }, "link preview not fetched");
    patch = { error: reason };
  }
  patch.fetched_at = nowIso();
  return ctx.db.updateTable("preview_cards").set(patch).where("id", "=", card.id).returningAll().executeTakeFirstOrThrow();
}

/** Whether a card has something to show (fetched, no error). */
export function isShowable(card: PreviewCard): boolean {
  return card.fetched_at != null && card.error == null && card.title !== "";
}

/** The showable cards of these statuses, by status id. One query. */
export async function loadCards(ctx: Ctx, statusIds: readonly string[]): Promise<Map<string, PreviewCard>> {
  if (!statusIds.length) return new Map();
  const rows = await ctx.db
    .selectFrom("status_cards")
    .innerJoin("preview_cards", "preview_cards.id", "status_cards.card_id")
    .selectAll("preview_cards")
    .select("status_cards.status_id")
    .where("status_cards.status_id", "in", [...statusIds])
    .execute();
  return new Map(rows.filter(isShowable).map(({ status_id, ...card }) => [status_id, card]));
}

export interface TrendingLink {
  card: PreviewCard;
  /** newest day first, one entry per day of the window (day: midnight UTC, ISO) */
  history: Array<{ day: string; uses: number; accounts: number }>;
}

/**
 * The links shared by the most people in public posts over the last `days` days, as trends
 * count them elsewhere here: honest counts, no review queue. Authors who opted out of
 * discovery are not counted. Two queries.
 */
export async function trendingLinks(ctx: Ctx, w: { limit: number; offset: number }, days = 7): Promise<TrendingLink[]> {
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const since = new Date(today - (days - 1) * DAY_MS).toISOString();
  const shared = () =>
    ctx.db
      .selectFrom("status_cards")
      .innerJoin("statuses", "statuses.id", "status_cards.status_id")
      .innerJoin("accounts", "accounts.id", "statuses.account_id")
      .innerJoin("preview_cards", "preview_cards.id", "status_cards.card_id")
      .where("statuses.created_at", ">=", since)
      .where("statuses.visibility", "=", "public")
      .where("statuses.deleted_at", "is", null)
      .where("accounts.deleted_at", "is", null)
      .where("accounts.discoverable", "=", 1)
      .where("preview_cards.fetched_at", "is not", null)
      .where("preview_cards.error", "is", null)
      .where("preview_cards.title", "!=", "");
  const ranked = await shared()
    .select("preview_cards.id")
    .groupBy("preview_cards.id")
    .orderBy(sql`count(distinct statuses.account_id)`, "desc")
    .orderBy(sql`count(*)`, "desc")
    .orderBy("preview_cards.id", "desc")
    .limit(w.limit)
    .offset(w.offset)
    .execute();
  if (!ranked.length) return [];
  const ids = ranked.map((r) => r.id);
  const uses = await shared()
    .selectAll("preview_cards")
    .select(["statuses.account_id as sharer_id", "statuses.created_at as shared_at"])
    .where("preview_cards.id", "in", ids)
    .execute();
  const byCard = new Map<string, { card: PreviewCard; shares: Array<{ account: string; at: string }> }>();
  for (const { sharer_id, shared_at, ...card } of uses) {
    const entry = byCard.get(card.id) ?? { card, shares: [] };
    entry.shares.push({ account: sharer_id, at: shared_at });
    byCard.set(card.id, entry);
  }
  return ids.flatMap((id) => {
    const entry = byCard.get(id);
    if (!entry) return [];
    const history = Array.from({ length: days }, (_, i) => {
      const start = today - i * DAY_MS;
      const inDay = entry.shares.filter((s) => {
        const t = Date.parse(s.at);
        return t >= start && t < start + DAY_MS;
      });
      return { day: new Date(start).toISOString(), uses: inDay.length, accounts: new Set(inDay.map((s) => s.account)).size };
    });
    return [{ card: entry.card, history }];
  });
}
