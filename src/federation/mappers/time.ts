import { Temporal as Polyfill } from "@js-temporal/polyfill";

/*
 * Node 24 has no global Temporal yet; Fedify's vocabulary is built on the polyfill's
 * instants, which its types call by the global name.
 */

export function instant(iso: string | Date): Temporal.Instant {
  const ms = typeof iso === "string" ? Date.parse(iso) : iso.getTime();
  return Polyfill.Instant.fromEpochMilliseconds(Number.isNaN(ms) ? Date.now() : ms) as unknown as Temporal.Instant;
}

/** An instant from a remote object as a Date; null when absent or nonsense. */
export function toDate(value: { epochMilliseconds: number } | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value.epochMilliseconds);
  return Number.isNaN(d.getTime()) ? null : d;
}
