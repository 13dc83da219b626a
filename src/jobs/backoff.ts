/** What a retry policy knows about a job whose handler just threw. */
export interface FailedAttempt {
  /** failures so far, counting this one (1 after the first failure) */
  attempts: number;
  /** when the job was first enqueued */
  enqueuedAt: Date;
  error: unknown;
}

/** Milliseconds until the next try, or null to give up on the job. */
export type RetryPolicy = (failure: FailedAttempt) => number | null;

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** give up once the next try would start later than this long after the job was enqueued */
  giveUpAfterMs: number;
  /** spread each delay by ± this fraction, so a burst of failures does not retry in lockstep */
  jitter?: number;
}

/** attempt n waits about base·2^(n-1), capped, with jitter. */
export function exponentialBackoff(options: BackoffOptions): RetryPolicy {
  const jitter = options.jitter ?? 0.2;
  return ({ attempts, enqueuedAt }) => {
    const raw = Math.min(options.capMs, options.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
    const delay = Math.round(raw * (1 - jitter + Math.random() * 2 * jitter));
    if (Date.now() + delay - enqueuedAt.getTime() > options.giveUpAfterMs) return null;
    return delay;
  };
}

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;

/**
 * Weft's own jobs (deliveries, fan-out): 30 s, 1 min, 2 min … up to 6 h apart, dropped after
 * about three days, close to what Mastodon gives a dead inbox.
 */
export const weftJobBackoff: RetryPolicy = exponentialBackoff({ baseMs: 30 * SECOND, capMs: 6 * HOUR, giveUpAfterMs: 3 * DAY });

/**
 * Fedify's queue: Fedify already retries deliveries and inbox work itself by re-enqueueing, so a
 * handler that still throws hit something unexpected (a database outage, a bug). Retry sooner at
 * first, give up on the same three-day horizon.
 */
export const fedifyQueueBackoff: RetryPolicy = exponentialBackoff({ baseMs: 5 * SECOND, capMs: HOUR, giveUpAfterMs: 3 * DAY });
