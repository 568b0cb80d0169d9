/**
 * "Do not serve these sessions again": sent after `clearCache()` or a revocation
 * (`s3up revoke`), to every instance.
 */
export interface PurgeMessage {
  /** Whose sessions; absent for everyone's. */
  userId?: string;
  /**
   * Sessions issued before this instant (epoch ms) are not served again. For `clearCache()`
   * it is the moment of the call; for a revocation the `--before` time.
   */
  before: number;
}

/**
 * Carries purge messages to every instance, the sender included. Delivery is at most once
 * and unordered across senders; receivers only drop what they hold themselves (the sender
 * has already cleared the shared store).
 */
export interface PurgeSignal {
  publish(message: PurgeMessage): Promise<void>;
  /** Calls `listener` for each message until the returned function is called. */
  subscribe(listener: (message: PurgeMessage) => void): () => void;
}

/** The default: delivers to listeners in this process only (one instance needs no more). */
export class LocalPurgeSignal implements PurgeSignal {
  readonly #listeners = new Set<(message: PurgeMessage) => void>();

  async publish(message: PurgeMessage): Promise<void> {
    for (const listener of this.#listeners) listener(message);
  }

  subscribe(listener: (message: PurgeMessage) => void): () => void {
    // A wrapper per call, so subscribing one function twice gives two subscriptions.
    const own = (message: PurgeMessage) => listener(message);
    this.#listeners.add(own);
    return () => this.#listeners.delete(own);
  }
}
