import { type BackoffPolicy, backoffDelay, sleep } from './backoff.js';
import type { ConnectionBudget } from './connection-budget.js';
import type { Connectivity } from './connectivity.js';
import type { CredentialsSource } from './credentials-source.js';
import type { UploadError } from './errors.js';
import { classify, isAbort, StallError } from './failure.js';
import type { ProgressListener, S3Transport } from './s3-transport.js';

/** What every request of one uploader shares. */
export interface RequestEnvironment extends BackoffPolicy {
  budget: ConnectionBudget;
  connectivity: Connectivity;
  stallTimeout: number;
}

export interface RequestSpec<T> {
  /** For messages: `UploadPart 3`, `CompleteMultipartUpload`. */
  operation: string;
  key: string;
  transport: S3Transport;
  source: CredentialsSource;
  /** Lower goes first in the connection budget (the task's order). */
  priority: number;
  /** The task's signal: pause and cancel abort it. */
  signal: AbortSignal;
  /**
   * Whether pause/cancel may abort the request mid-flight. False for the small control
   * requests (Create, Complete) whose answer must not be lost: an UploadId dropped on the
   * floor is an orphaned upload.
   */
  abortable: boolean;
  /** Multiplies the stall timeout (Complete may take long on a large upload). */
  stallFactor?: number;
  /** Body bytes sent so far in this attempt; called with 0 when an attempt fails. */
  onProgress?: ProgressListener;
  /** Told about each failure that will be retried. */
  onRetry?: (error: UploadError, attempt: number) => void;
  send: (signal: AbortSignal) => Promise<T>;
}

/**
 * Sends one S3 request within the connection budget: a fresh AbortController per attempt
 * (so pause aborts exactly the requests in flight), a stall watchdog, retries with
 * exponential backoff and full jitter on network errors, 5xx, SlowDown and timeouts, one
 * credentials refresh on ExpiredToken, and no counted retries while the browser says it
 * is offline (it waits for `online` instead). Other 4xx fail at once.
 */
export async function runRequest<T>(env: RequestEnvironment, spec: RequestSpec<T>): Promise<T> {
  let attempt = 0;
  let refreshed = false;
  const { signal } = spec;
  for (;;) {
    signal.throwIfAborted();
    await env.connectivity.waitForOnline(signal);
    const release = await env.budget.acquire(spec.priority, signal);
    const controller = new AbortController();
    const forward = () => controller.abort(signal.reason);
    if (spec.abortable) signal.addEventListener('abort', forward, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Once the attempt has settled, late body reads (a stream the SDK still drains after an
    // abort) must neither re-arm the watchdog, which would hold a Node process open for a
    // whole stall timeout, nor report bytes of an attempt that is over.
    let settled = false;
    // One timer per attempt, not one per progress event: a part reports progress about 20
    // times a second (Chromium's XHR upload events), and each setTimeout/clearTimeout pair
    // left a timer object for the garbage collector, thousands over a large upload (issue
    // 21, renderer memory). Progress only stamps the time; the timer, when it fires, waits
    // on for the silence still missing, and aborts once a whole `limit` passed without any.
    const limit = env.stallTimeout * (spec.stallFactor ?? 1);
    let lastProgress = Date.now();
    const watch = (delay: number) => {
      timer = setTimeout(() => {
        timer = undefined;
        if (settled) return;
        const silent = Date.now() - lastProgress;
        if (silent >= limit) controller.abort(new StallError(`no progress for ${limit} ms`));
        else watch(limit - silent);
      }, delay);
    };
    const arm = () => {
      if (settled || env.stallTimeout <= 0) return;
      lastProgress = Date.now();
      if (timer === undefined) watch(limit);
    };
    arm();
    if (spec.onProgress) {
      const report = spec.onProgress;
      spec.transport.track(controller.signal, (loaded) => {
        if (settled) return;
        arm();
        report(loaded);
      });
    }
    let failure: ReturnType<typeof classify>;
    try {
      return await spec.send(controller.signal);
    } catch (error) {
      spec.onProgress?.(0);
      const reason: unknown = controller.signal.reason;
      if (reason instanceof StallError) {
        failure = classify(reason, spec.operation, spec.key);
      } else if ((spec.abortable && signal.aborted) || isAbort(error)) {
        throw signal.aborted ? signal.reason : error;
      } else {
        failure = classify(error, spec.operation, spec.key);
      }
    } finally {
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', forward);
      release();
    }
    const current = spec.source.current;
    // Some servers (Ceph RGW) answer a plain 403 for a session that just expired.
    const expiredAtSend =
      failure.error.status === 403 && current !== undefined && current.expiresAt <= Date.now();
    if ((failure.action === 'refresh' || expiredAtSend) && !refreshed) {
      refreshed = true;
      try {
        await spec.source.refresh();
        continue;
      } catch (error) {
        failure = classify(error, spec.operation, spec.key);
      }
    }
    if (failure.action !== 'retry') throw failure.error;
    if (env.connectivity.offline) continue;
    if (attempt >= env.retries) throw failure.error;
    spec.onRetry?.(failure.error, attempt + 1);
    await sleep(backoffDelay(attempt, env.baseDelay, env.maxDelay), signal);
    attempt += 1;
  }
}
