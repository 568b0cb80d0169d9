// The request runner's stall watchdog after an attempt is over. In Node the SDK may go on
// reading a part's body stream after the request was aborted; each read used to re-arm the
// watchdog, so `s3up upload` printed "Interrupted" on Ctrl-C and then stayed alive for a
// whole stall timeout (60 s) with nothing left to do.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionBudget } from '../../src/connection-budget.js';
import { Connectivity } from '../../src/connectivity.js';
import type { CredentialsSource } from '../../src/credentials-source.js';
import { type RequestEnvironment, runRequest } from '../../src/request-runner.js';
import type { ProgressListener, S3Transport } from '../../src/s3-transport.js';

afterEach(() => {
  // The unit project shares its workers between files: leave no fake timers or spies behind.
  // Spies first: a spy on globalThis.setTimeout made under fake timers restores the FAKE
  // setTimeout; restored after useRealTimers, it left every later file in the worker with a
  // clock nobody advances (parts-in-flight, pause-resume-cancel timed out after this file).
  vi.restoreAllMocks();
  vi.useRealTimers();
});

function rig() {
  let listener: ProgressListener | undefined;
  const transport = {
    track: (_signal: AbortSignal, l: ProgressListener) => {
      listener = l;
    },
  } as unknown as S3Transport;
  const env: RequestEnvironment = {
    budget: new ConnectionBudget(2),
    connectivity: new Connectivity(null),
    stallTimeout: 60_000,
    retries: 0,
    baseDelay: 10,
    maxDelay: 10,
  };
  return { env, transport, lateRead: (loaded: number) => listener?.(loaded) };
}

describe('runRequest: an attempt that is over stays over', () => {
  it('a body read after a paused part was aborted arms no watchdog and reports no bytes', async () => {
    vi.useFakeTimers();
    const { env, transport, lateRead } = rig();
    const task = new AbortController();
    const reported: number[] = [];
    const running = runRequest(env, {
      operation: 'UploadPart 1',
      key: 'users/u/a.bin',
      transport,
      source: { current: undefined } as unknown as CredentialsSource,
      priority: 0,
      signal: task.signal,
      abortable: true,
      onProgress: (loaded) => reported.push(loaded),
      // A request that never answers (a held connection), rejected only by its abort.
      send: (signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    });
    await vi.advanceTimersByTimeAsync(0);
    lateRead(65_536);
    expect(vi.getTimerCount()).toBe(1); // the watchdog of the attempt in flight
    task.abort(new DOMException('paused', 'AbortError'));
    await expect(running).rejects.toThrow('paused');
    expect(vi.getTimerCount()).toBe(0);

    // The SDK still drains the stream it was given: nothing may restart the 60 s watchdog.
    lateRead(131_072);
    lateRead(196_608);
    expect(vi.getTimerCount()).toBe(0);
    expect(reported).toEqual([65_536, 0]);
  });
});

describe('runRequest: the stall watchdog', () => {
  function stalling(env: RequestEnvironment, transport: S3Transport) {
    return runRequest(env, {
      operation: 'UploadPart 1',
      key: 'users/u/a.bin',
      transport,
      source: { current: undefined } as unknown as CredentialsSource,
      priority: 0,
      signal: new AbortController().signal,
      abortable: true,
      onProgress: () => {},
      send: (signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    });
  }

  // Issue 21 (renderer memory): each progress event used to clear the watchdog and set a
  // new one, a timer object per event (about 20 a second for each part in flight) left for
  // the garbage collector. Progress now only stamps the time.
  it('progress does not create a timer per event', async () => {
    vi.useFakeTimers();
    const { env, transport, lateRead } = rig();
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const running = stalling(env, transport);
    running.catch(() => {});
    await vi.advanceTimersByTimeAsync(0);
    const before = setTimeoutSpy.mock.calls.length;
    // 2,000 progress events 50 ms apart: 100 s of a part moving slowly but steadily.
    for (let i = 1; i <= 2000; i++) {
      lateRead(i * 1024);
      await vi.advanceTimersByTimeAsync(50);
    }
    // The watchdog fired once a minute and waited on for the silence still missing.
    expect(setTimeoutSpy.mock.calls.length - before).toBeLessThanOrEqual(3);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('aborts after a whole stall timeout without progress, counted from the last progress', async () => {
    vi.useFakeTimers();
    const { env, transport, lateRead } = rig();
    const running = stalling(env, transport);
    let error: unknown;
    running.catch((e) => {
      error = e;
    });
    await vi.advanceTimersByTimeAsync(50_000);
    lateRead(1024); // at 50 s: the silence starts again
    await vi.advanceTimersByTimeAsync(59_000); // 109 s: 59 s of silence
    expect(error).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000); // 110 s: 60 s of silence
    expect((error as Error | undefined)?.message).toMatch(/no progress for 60000 ms/);
  });
});
