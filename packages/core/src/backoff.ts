/** How often and how long to wait between attempts (the `retry` option, resolved). */
export interface BackoffPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First delay in ms, doubled each retry. */
  baseDelay: number;
  /** Largest delay in ms. */
  maxDelay: number;
}

/** Full-jitter exponential backoff: a random delay in [0, min(max, base * 2^attempt)]. */
export function backoffDelay(attempt: number, base: number, max: number, random = Math.random): number {
  return Math.round(random() * Math.min(max, base * 2 ** attempt));
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts: a pause during a
 * backoff settles at once instead of sleeping out the delay (up to `maxDelay`, 20 s).
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, `retryable` says no, or `policy.retries` retries are
 * spent, with full-jitter backoff between attempts. The signal is checked before each
 * attempt and ends a backoff at once. Throws what `attempt` threw last (after `retryable`
 * has seen it), or the signal's reason.
 */
export async function withRetries<T>(
  policy: BackoffPolicy,
  signal: AbortSignal,
  attempt: (n: number) => Promise<T>,
  retryable: (error: unknown) => boolean,
): Promise<T> {
  for (let n = 0; ; n++) {
    signal.throwIfAborted();
    try {
      return await attempt(n);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (n >= policy.retries || !retryable(error)) throw error;
    }
    await sleep(backoffDelay(n, policy.baseDelay, policy.maxDelay), signal);
  }
}
