import type { Hono } from "hono";
import type { WeftApp } from "../../app.ts";
import { loadInstanceFacts } from "../../domain/hydrate.ts";
import { readRegistrationSettings } from "../../domain/instance-settings.ts";
import { MEDIA_LIMITS } from "../../domain/media-process.ts";
import { POLL_LIMITS } from "../../domain/polls.ts";
import { MAX_CHARACTERS, MAX_MEDIA } from "../../domain/statuses.ts";
import { type InstanceLimits, serializeInstanceV1 } from "../entities/instance.ts";

/** What domain/media-process.ts accepts: images sharp decodes, video and audio kept as uploaded. */
const SUPPORTED_MIME_TYPES = [
  "image/jpeg", "image/png", "image/gif", "image/webp",
  "video/mp4", "video/quicktime", "video/webm", "video/ogg",
  "audio/mpeg", "audio/mp3", "audio/mp4", "audio/x-m4a", "audio/aac", "audio/ogg", "audio/webm",
  "audio/wav", "audio/wave", "audio/x-wav", "audio/flac", "audio/x-flac",
];

/** The limits Weft enforces, as the instance entities announce them. */
export function instanceLimits(): InstanceLimits {
  return {
    statuses: { max_characters: MAX_CHARACTERS, max_media_attachments: MAX_MEDIA, characters_reserved_per_url: 23 },
    media_attachments: {
      supported_mime_types: SUPPORTED_MIME_TYPES,
      description_limit: MEDIA_LIMITS.maxDescription,
      image_size_limit: MEDIA_LIMITS.maxBytes,
      // Clients shrink larger images before upload; Weft would shrink them to this anyway.
      image_matrix_limit: MEDIA_LIMITS.maxStoredPixels,
      video_size_limit: MEDIA_LIMITS.maxBytes,
      video_frame_rate_limit: 120,
      video_matrix_limit: 8_294_400,
    },
    polls: {
      max_options: POLL_LIMITS.maxOptions,
      max_characters_per_option: POLL_LIMITS.maxCharactersPerOption,
      min_expiration: POLL_LIMITS.minExpiration,
      max_expiration: POLL_LIMITS.maxExpiration,
    },
    accounts: { max_featured_tags: 10, max_pinned_statuses: 5 },
  };
}

export function mount(routes: Hono, app: WeftApp): void {
  routes.get("/api/v1/instance", async (c) => {
    const [facts, registrations] = await Promise.all([loadInstanceFacts(app.ctx), readRegistrationSettings(app.ctx)]);
    return c.json(serializeInstanceV1(facts, instanceLimits(), app.config, registrations));
  });

  routes.get("/api/v1/instance/rules", async (c) => {
    const [facts, registrations] = await Promise.all([loadInstanceFacts(app.ctx), readRegistrationSettings(app.ctx)]);
    return c.json(serializeInstanceV1(facts, instanceLimits(), app.config, registrations).rules);
  });

  // Weft has no custom emoji of its own yet; clients still ask at start-up.
  routes.get("/api/v1/custom_emojis", (c) => c.json([]));
}
