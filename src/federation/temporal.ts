import { Temporal as Polyfill } from "@js-temporal/polyfill";

/**
 * Fedify's types name the standard `Temporal`, which Node does not ship yet; at run time Fedify
 * uses, and accepts, the polyfill's objects. This converts at that one seam.
 */
export function toInstant(iso: string | null | undefined): Temporal.Instant | null {
  if (!iso) return null;
  try {
    return Polyfill.Instant.from(new Date(iso).toISOString()) as unknown as Temporal.Instant;
  } catch {
    return null;
  }
}
