import type { NetworkStatus } from './options.js';

/**
 * Online/offline as far as the engine can tell. `offline` is believed at once;
 * `navigator.onLine === true` is not proof of a working connection (a captive portal,
 * a LAN without internet), so requests still retry with backoff while "online".
 */
export class Connectivity {
  readonly #status: NetworkStatus | null;
  #offline = false;
  readonly #waiters = new Set<() => void>();
  readonly #onOnline = () => {
    this.#offline = false;
    for (const wake of [...this.#waiters]) wake();
    this.onChange?.(true);
  };
  readonly #onOffline = () => {
    this.#offline = true;
    this.onChange?.(false);
  };
  /** Called on each `online`/`offline` event. */
  onChange: ((online: boolean) => void) | undefined;

  constructor(status: NetworkStatus | null | undefined) {
    this.#status = status === undefined ? browserStatus() : status;
    this.#status?.target.addEventListener('online', this.#onOnline);
    this.#status?.target.addEventListener('offline', this.#onOffline);
  }

  /** True only when the runtime says for sure that there is no network. */
  get offline(): boolean {
    if (this.#offline) return true;
    return this.#status?.isOnline?.() === false;
  }

  /** Resolves at the next `online` event (or at once when not offline). */
  waitForOnline(signal?: AbortSignal): Promise<void> {
    if (!this.offline) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        this.#waiters.delete(wake);
        signal?.removeEventListener('abort', abort);
        resolve();
      };
      const abort = () => {
        this.#waiters.delete(wake);
        reject(signal?.reason);
      };
      if (signal?.aborted) return abort();
      signal?.addEventListener('abort', abort, { once: true });
      this.#waiters.add(wake);
    });
  }

  dispose(): void {
    this.#status?.target.removeEventListener('online', this.#onOnline);
    this.#status?.target.removeEventListener('offline', this.#onOffline);
  }
}

function browserStatus(): NetworkStatus | null {
  const win = (globalThis as { window?: EventTarget }).window;
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
  if (!win || typeof win.addEventListener !== 'function') return null;
  return { target: win, isOnline: () => nav?.onLine !== false };
}
