/**
 * Fedify hands durations over as `Temporal.Duration` objects (from its polyfill; Node has no
 * global Temporal yet). Only `total()` is needed here, so any object with it will do.
 */
export type DurationLike = Pick<Temporal.Duration, "total">;

export function durationToMs(duration: DurationLike | undefined | null): number {
  if (duration == null) return 0;
  return Math.max(0, duration.total("millisecond"));
}
