import type { Card as CardT } from "../lib/types.ts";

/** A link preview, when the server found one for the post's link. */
export function PreviewCard({ card }: { card: CardT }) {
  let host = card.provider_name;
  try {
    host ||= new URL(card.url).hostname.replace(/^www\./, "");
  } catch {
    // keep the provider name
  }
  const wide = card.image && card.width > card.height * 1.3;
  return (
    <a class={`preview-card ${wide ? "wide" : ""}`} href={card.url} target="_blank" rel="noopener noreferrer nofollow">
      {card.image ? <img src={card.image} alt={card.image_description ?? ""} loading="lazy" decoding="async" /> : null}
      <span class="preview-text">
        <span class="preview-host">{host}</span>
        <span class="preview-title">{card.title || card.url}</span>
        {card.description ? <span class="preview-description">{card.description}</span> : null}
      </span>
    </a>
  );
}
