import { useState } from "preact/hooks";
import { Dialog } from "./Dialog.tsx";
import { Icon } from "./Icon.tsx";
import type { MediaAttachment } from "../lib/types.ts";
import { preferences } from "../lib/prefs.ts";
import { useValue } from "../lib/store.ts";

function aspectOf(m: MediaAttachment): number {
  const meta = m.meta?.small ?? m.meta?.original;
  const a = meta?.aspect ?? (meta?.width && meta?.height ? meta.width / meta.height : 0);
  return a > 0 ? a : 4 / 3;
}

function Lightbox({ media, start, onClose }: { media: MediaAttachment[]; start: number; onClose: () => void }) {
  const [index, setIndex] = useState(start);
  const m = media[index];
  const go = (d: number) => setIndex((i) => (i + d + media.length) % media.length);
  return (
    <Dialog label={`Media ${index + 1} of ${media.length}`} onClose={onClose} class="lightbox">
      <div
        class="lightbox-body"
        onKeyDown={(e) => {
          if (e.key === "ArrowRight") go(1);
          if (e.key === "ArrowLeft") go(-1);
        }}
      >
        <button class="icon-button lightbox-close" type="button" onClick={onClose} aria-label="Close">
          <Icon name="close" />
        </button>
        <figure>
          {m.type === "video" || m.type === "gifv" ? (
            <video src={m.url ?? undefined} controls autoplay={m.type === "gifv"} loop={m.type === "gifv"} muted={m.type === "gifv"} aria-label={m.description ?? undefined} />
          ) : m.type === "audio" ? (
            <audio src={m.url ?? undefined} controls aria-label={m.description ?? "Audio"} />
          ) : (
            <img src={m.url ?? m.remote_url ?? m.preview_url ?? ""} alt={m.description ?? ""} />
          )}
          <figcaption>{m.description ? m.description : <span class="muted">No description.</span>}</figcaption>
        </figure>
        {media.length > 1 ? (
          <div class="lightbox-nav">
            <button type="button" class="button secondary" onClick={() => go(-1)}>Previous</button>
            <span aria-live="polite">{index + 1} / {media.length}</span>
            <button type="button" class="button secondary" onClick={() => go(1)}>Next</button>
          </div>
        ) : null}
      </div>
    </Dialog>
  );
}

/** Pictures and video of a post: a grid, blurred when sensitive until the reader asks; the lightbox shows the description. */
export function MediaGrid({ media, sensitive }: { media: MediaAttachment[]; sensitive: boolean }) {
  const prefs = useValue(preferences);
  const [shown, setShown] = useState(!sensitive || prefs.showSensitive);
  const [open, setOpen] = useState<number | null>(null);
  if (!media.length) return null;
  const single = media.length === 1;
  return (
    <div class={`media-grid n${Math.min(media.length, 4)} ${shown ? "" : "hidden-media"}`}>
      {media.slice(0, 4).map((m, i) => (
        <button
          type="button"
          class="media-item"
          style={single ? { aspectRatio: String(Math.min(Math.max(aspectOf(m), 0.6), 2)) } : undefined}
          onClick={() => (shown ? setOpen(i) : setShown(true))}
          tabIndex={shown || i === 0 ? 0 : -1}
        >
          <span class="visually-hidden">{shown ? `Open picture ${i + 1}${m.description ? ":" : ""} ` : "Show sensitive media "}</span>
          {m.type === "video" || m.type === "gifv" ? (
            <video src={m.url ?? undefined} poster={m.preview_url ?? undefined} muted loop={m.type === "gifv"} autoplay={m.type === "gifv" && shown} playsInline aria-hidden="true" tabIndex={-1} />
          ) : m.type === "audio" ? (
            <span class="audio-tile"><Icon name="poll" /> Audio</span>
          ) : (
            <img src={m.preview_url ?? m.url ?? m.remote_url ?? ""} alt={m.description ?? ""} loading="lazy" decoding="async" />
          )}
          {m.description && shown ? <span class="alt-badge" aria-hidden="true">ALT</span> : null}
        </button>
      ))}
      {!shown ? (
        <button type="button" class="sensitive-cover" onClick={() => setShown(true)}>
          <Icon name="eye-off" />
          <span>Sensitive content</span>
          <span class="small">Show</span>
        </button>
      ) : sensitive ? (
        <button type="button" class="icon-button hide-media" onClick={() => setShown(false)} aria-label="Hide sensitive media">
          <Icon name="eye-off" size={18} />
        </button>
      ) : null}
      {open !== null ? <Lightbox media={media} start={open} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}
