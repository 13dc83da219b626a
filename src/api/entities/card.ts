import type { PreviewCard, TrendingLink } from "../../domain/cards.ts";

/**
 * Mastodon's link preview. `html` is always "": Weft keeps no remote embed markup, so video
 * and rich pages are previewed as plain links.
 */
export interface MastodonPreviewCard {
  url: string;
  title: string;
  description: string;
  type: "link" | "photo" | "video" | "rich";
  author_name: string;
  author_url: string;
  provider_name: string;
  provider_url: string;
  html: string;
  width: number;
  height: number;
  image: string | null;
  image_description?: string;
  embed_url: string;
  blurhash: string | null;
  language?: string | null;
  published_at?: string | null;
  authors: Array<{ name: string; url: string; account: unknown | null }>;
}

export function serializePreviewCard(card: PreviewCard): MastodonPreviewCard {
  return {
    url: card.url,
    title: card.title,
    description: card.description,
    type: card.type,
    author_name: card.author_name,
    author_url: card.author_url,
    provider_name: card.provider_name,
    provider_url: card.provider_url,
    html: "",
    width: card.width,
    height: card.height,
    image: card.image,
    image_description: card.image_description,
    // a photo card's picture is the page itself
    embed_url: card.type === "photo" && card.image ? card.image : "",
    blurhash: card.blurhash,
    language: card.language,
    published_at: card.published_at,
    authors: card.author_name ? [{ name: card.author_name, url: card.author_url, account: null }] : [],
  };
}

export interface MastodonTrendsLink extends MastodonPreviewCard {
  history: Array<{ day: string; uses: string; accounts: string }>;
}

export function serializeTrendsLink(link: TrendingLink): MastodonTrendsLink {
  return {
    ...serializePreviewCard(link.card),
    // Mastodon counts as strings and days as UNIX timestamps of midnight
    history: link.history.map((h) => ({ day: String(Date.parse(h.day) / 1000), uses: String(h.uses), accounts: String(h.accounts) })),
  };
}
