import { ConnectionBudget } from './connection-budget.js';
import type { Connectivity } from './connectivity.js';
import { CredentialsSource } from './credentials-source.js';
import { isUploadError } from './errors.js';
import { FlightController } from './flight-controller.js';
import { IndexedDbResumeStore } from './indexeddb-resume-store.js';
import type { ResolvedOptions } from './options.js';
import type { RequestEnvironment } from './request-runner.js';
import { MemoryResumeStore, type ResumeStore } from './resume-store.js';
import { createTransport, type S3Transport } from './s3-transport.js';
import type { UploadContext } from './upload-context.js';

/**
 * The `UploadContext` of one `Uploader`, built from its options: the request environment,
 * the flight controller, the credentials, the resume store, the S3 clients (created on
 * first use) and the fingerprints its tasks hold. `closeClients()` lets the clients go
 * when the uploader is destroyed.
 */
export class SharedContext implements UploadContext {
  readonly env: RequestEnvironment;
  readonly options: ResolvedOptions;
  readonly flight: FlightController;
  readonly source: CredentialsSource;
  readonly store: ResumeStore | null;
  readonly #claimed = new Set<string>();
  #transport: Promise<S3Transport> | undefined;
  #readAccess: Promise<{ transport: S3Transport; source: CredentialsSource }> | undefined;

  constructor(o: ResolvedOptions, connectivity: Connectivity) {
    this.options = o;
    this.env = {
      budget: new ConnectionBudget(o.concurrency),
      connectivity,
      retries: o.retries,
      baseDelay: o.baseDelay,
      maxDelay: o.maxDelay,
      stallTimeout: o.stallTimeout,
    };
    this.flight = new FlightController({
      seconds: o.flightTime / 1000,
      maxParts: o.concurrency,
      maxPartSize: o.partSize,
    });
    this.source = new CredentialsSource(o.credentials);
    this.store = o.resumeStore === undefined ? defaultStore() : o.resumeStore;
  }

  transport(): Promise<S3Transport> {
    const source = this.source;
    this.#transport ??= source.get().then((first) => createTransport(source, first));
    // A failed first attempt (no network) must not poison every later one.
    this.#transport.catch(() => {
      this.#transport = undefined;
    });
    return this.#transport;
  }

  readAccess(): Promise<{ transport: S3Transport; source: CredentialsSource }> {
    if (!this.#readAccess) {
      const read = new CredentialsSource(this.options.credentials, 'read');
      this.#readAccess = read
        .get()
        .then(async (first) => ({ transport: await createTransport(read, first), source: read }));
      // A 403 means this server will not give this user read access (the read scope is
      // off, its default): keep the refusal, so later uploads skip the check without
      // asking again, each time earning a red 403 in the browser's console. Anything
      // else (401, 429, 5xx, the network) may pass: ask again next time.
      this.#readAccess.catch((error: unknown) => {
        if (!(isUploadError(error) && error.status === 403)) this.#readAccess = undefined;
      });
    }
    return this.#readAccess;
  }

  claim(fingerprint: string): boolean {
    if (this.#claimed.has(fingerprint)) return false;
    this.#claimed.add(fingerprint);
    return true;
  }

  unclaim(fingerprint: string): void {
    this.#claimed.delete(fingerprint);
  }

  /** Whether a task of this uploader holds the fingerprint now. */
  claimed(fingerprint: string): boolean {
    return this.#claimed.has(fingerprint);
  }

  /** Destroys the S3 clients created so far (the uploader is going away). */
  async closeClients(): Promise<void> {
    const transport = await this.#transport?.catch(() => undefined);
    transport?.client.destroy();
    const read = await this.#readAccess?.catch(() => undefined);
    read?.transport.client.destroy();
  }
}

/** IndexedDB where there is one (browsers), else memory (Node: pass a store to survive restarts). */
function defaultStore(): ResumeStore {
  return typeof indexedDB !== 'undefined' ? new IndexedDbResumeStore() : new MemoryResumeStore();
}
