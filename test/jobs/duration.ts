import { Temporal as Polyfill } from "@js-temporal/polyfill";

/**
 * Fedify's types name the global `Temporal` (lib esnext.temporal) but Node 24 has none at
 * runtime, so durations are built with the polyfill Fedify itself uses and typed as Fedify expects.
 */
export function ms(milliseconds: number): Temporal.Duration {
  return Polyfill.Duration.from({ milliseconds }) as unknown as Temporal.Duration;
}
