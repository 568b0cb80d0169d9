import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep, withRetries } from '../../src/backoff.js';

const policy = { retries: 3, baseDelay: 1, maxDelay: 4 };

describe('backoff', () => {
  it('draws a full-jitter delay below min(max, base * 2^attempt)', () => {
    expect(backoffDelay(0, 500, 20_000, () => 1)).toBe(500);
    expect(backoffDelay(3, 500, 20_000, () => 1)).toBe(4000);
    expect(backoffDelay(10, 500, 20_000, () => 1)).toBe(20_000);
    expect(backoffDelay(10, 500, 20_000, () => 0)).toBe(0);
    expect(backoffDelay(2, 500, 20_000, () => 0.5)).toBe(1000);
  });

  it('sleep rejects with the signal reason as soon as it aborts, and at once when already aborted', async () => {
    const controller = new AbortController();
    const slept = sleep(3_600_000, controller.signal);
    const reason = new Error('paused');
    controller.abort(reason);
    await expect(slept).rejects.toBe(reason);
    await expect(sleep(1, controller.signal)).rejects.toBe(reason);
  });

  it('withRetries retries what is retryable up to the limit, and stops at once on what is not', async () => {
    const signal = new AbortController().signal;
    let calls = 0;
    await expect(
      withRetries(
        policy,
        signal,
        async () => {
          calls += 1;
          throw new Error('flaky');
        },
        () => true,
      ),
    ).rejects.toThrow('flaky');
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      withRetries(
        policy,
        signal,
        async () => {
          calls += 1;
          throw new Error('refused');
        },
        () => false,
      ),
    ).rejects.toThrow('refused');
    expect(calls).toBe(1);
    calls = 0;
    const value = await withRetries(
      policy,
      signal,
      async (n) => {
        calls += 1;
        if (n < 2) throw new Error('flaky');
        return 'ok';
      },
      () => true,
    );
    expect(value).toBe('ok');
    expect(calls).toBe(3);
  });

  it('withRetries ends a long backoff with the signal reason when aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('paused');
    let calls = 0;
    const running = withRetries(
      { retries: 5, baseDelay: 3_600_000, maxDelay: 3_600_000 },
      controller.signal,
      async () => {
        calls += 1;
        queueMicrotask(() => controller.abort(reason));
        throw new Error('flaky');
      },
      () => true,
    );
    await expect(running).rejects.toBe(reason);
    expect(calls).toBe(1);
  });
});
