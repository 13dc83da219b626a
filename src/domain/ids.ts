import { randomInt } from "node:crypto";

/*
 * Snowflake-style ids like Mastodon's: milliseconds since the epoch shifted left 16 bits,
 * plus a 16-bit sequence. Rendered as 18 zero-padded decimal digits, so string order equals
 * time order on both databases (until the year 2400 or so) and clients that compare ids as
 * numbers or as strings agree.
 */
const WIDTH = 18;
let lastMs = 0;
let seq = 0;

export function newId(at: Date | number = Date.now()): string {
  const ms = typeof at === "number" ? at : at.getTime();
  if (ms === lastMs) {
    seq = (seq + 1) & 0xffff;
  } else {
    lastMs = ms;
    seq = randomInt(0, 0x8000);
  }
  return ((BigInt(ms) << 16n) | BigInt(seq)).toString().padStart(WIDTH, "0");
}

/** The smallest id that could have been made at `at`, for time-based paging. */
export function idFloor(at: Date | number): string {
  const ms = typeof at === "number" ? at : at.getTime();
  return (BigInt(ms) << 16n).toString().padStart(WIDTH, "0");
}

export function isId(s: string): boolean {
  return /^\d{1,20}$/.test(s);
}

/** Normalises a client-supplied id (which may have lost its leading zeros) for comparison. */
export function normaliseId(s: string): string {
  return s.padStart(WIDTH, "0");
}

export function nowIso(): string {
  return new Date().toISOString();
}
