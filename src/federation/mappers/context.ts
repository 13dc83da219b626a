import type { Object as APObject } from "@fedify/vocab";

/*
 * The extension terms Mastodon (and servers that copy it) put in their @context. Fedify names most
 * of them already, each for the types that use them; what it leaves out (blurhash, focalPoint on
 * Notes; focalPoint on actors) is added here, so JSON-LD processors read the compact keys as
 * Mastodon means them. Terms the document already defines are left alone: a redefinition could
 * change their type coercion.
 */
const TOOT = "http://joinmastodon.org/ns#";

const EXTENSIONS: Record<string, unknown> = {
  toot: TOOT,
  sensitive: "as:sensitive",
  Hashtag: "as:Hashtag",
  Emoji: "toot:Emoji",
  blurhash: "toot:blurhash",
  focalPoint: { "@container": "@list", "@id": "toot:focalPoint" },
  votersCount: { "@id": "toot:votersCount", "@type": "http://www.w3.org/2001/XMLSchema#nonNegativeInteger" },
  discoverable: "toot:discoverable",
  indexable: "toot:indexable",
  memorial: "toot:memorial",
  featured: { "@id": "toot:featured", "@type": "@id" },
  featuredTags: { "@id": "toot:featuredTags", "@type": "@id" },
};

type Json = Record<string, unknown>;

/**
 * The object, re-read from its compact JSON with Mastodon's extension terms in its @context and
 * `patch` applied to the JSON first. Fedify serves an object read from JSON-LD as that JSON, so
 * what is served is exactly this.
 */
export async function withMastodonContext<T extends APObject>(object: T, patch?: (json: Json) => void): Promise<T> {
  const json = (await object.toJsonLd({ format: "compact" })) as Json;
  patch?.(json);
  const context = Array.isArray(json["@context"]) ? [...json["@context"]] : json["@context"] ? [json["@context"]] : [];
  const defined = new Set<string>();
  for (const entry of context) {
    if (entry && typeof entry === "object") for (const key of Object.keys(entry)) defined.add(key);
  }
  const missing = Object.fromEntries(Object.entries(EXTENSIONS).filter(([term]) => !defined.has(term)));
  if (Object.keys(missing).length) context.push(missing);
  json["@context"] = context;
  const cls = object.constructor as unknown as { fromJsonLd(json: unknown): Promise<T> };
  return cls.fromJsonLd(json);
}
