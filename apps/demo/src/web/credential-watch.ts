import type { CredentialsResponse } from '@s3up/core';

/** One credentials answer of the token server, as the session panel shows it. */
export interface IssuedCredential {
  scope: string;
  prefix: string;
  actions: string[];
  /** Expiry on the browser's clock (corrected with the server's `serverTime`). */
  expiresAt: number;
  /** When the page received it (browser clock). */
  receivedAt: number;
  /** How far the server's clock is ahead of the browser's, in ms. */
  skewMs: number;
  /** True when an earlier credential of the same scope was replaced. */
  refresh: boolean;
}

/** The full answer, for the AWS SDK (it needs the keys; the panel must not show them). */
export type CredentialAnswer = CredentialsResponse;

/**
 * Sees every credentials answer the page receives, whoever asked: the gallery's own
 * requests and `<s3-upload>`'s (see {@link CredentialWatch.install}). Dispatches `issued`
 * with the new {@link IssuedCredential} in `detail`; never records the keys.
 *
 * @example
 * const watch = new CredentialWatch('/api/credentials');
 * watch.install();
 * watch.addEventListener('issued', (e) => render((e as CustomEvent<IssuedCredential>).detail));
 */
export class CredentialWatch extends EventTarget {
  readonly #path: string;
  #history: IssuedCredential[] = [];
  #installed = false;

  constructor(path: string) {
    super();
    this.#path = path;
  }

  /** Newest first; at most 20 (the panel's log). */
  get history(): readonly IssuedCredential[] {
    return this.#history;
  }

  /** The newest credential of each scope. */
  current(): IssuedCredential[] {
    const seen = new Map<string, IssuedCredential>();
    for (const entry of this.#history) if (!seen.has(entry.scope)) seen.set(entry.scope, entry);
    return [...seen.values()];
  }

  clear(): void {
    this.#history = [];
    this.dispatchEvent(new CustomEvent('issued', { detail: null }));
  }

  /**
   * Wraps `globalThis.fetch` so that every credentials answer is recorded, whoever asked.
   * Why global: `<s3-upload>` takes a `credentialsRequest` hook but no `fetch`, so the
   * page cannot see its answers otherwise. The wrapper passes every request and response
   * through untouched; it only reads a clone of credentials answers. Idempotent.
   */
  install(): void {
    if (this.#installed) return;
    this.#installed = true;
    const original = globalThis.fetch.bind(globalThis);
    globalThis.fetch = async (input, init) => {
      const response = await original(input, init);
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (response.ok && new URL(url, location.href).pathname === this.#path) {
        response
          .clone()
          .json()
          .then((body: unknown) => this.record(body as CredentialAnswer))
          .catch(() => {
            // Not JSON: the caller reports that; the panel has nothing to show.
          });
      }
      return response;
    };
  }

  record(answer: CredentialAnswer): IssuedCredential {
    const receivedAt = Date.now();
    const serverTime = answer.serverTime ? Date.parse(answer.serverTime) : Number.NaN;
    const skewMs = Number.isNaN(serverTime) ? 0 : serverTime - receivedAt;
    const scope = answer.scope ?? 'upload';
    const entry: IssuedCredential = {
      scope,
      prefix: answer.prefix,
      actions: answer.actions ?? [],
      expiresAt: Date.parse(answer.expiration) - skewMs,
      receivedAt,
      skewMs,
      refresh: this.#history.some((e) => e.scope === scope),
    };
    this.#history = [entry, ...this.#history].slice(0, 20);
    this.dispatchEvent(new CustomEvent('issued', { detail: entry }));
    return entry;
  }
}
