import { type FlightController, partsToKeep } from './flight-controller.js';
import type { MultipartPlan } from './resume.js';
import { partRange } from './upload-plan.js';

/** How a pause that keeps work ended: parts remain (`paused`), or every part is stored (`finishing`). */
export type DrainOutcome = 'paused' | 'finishing';

/** Why a part was let go by a pause that keeps work: not a failure, the part stays pending. */
class LetGo extends Error {
  constructor() {
    super('part let go by a pause');
    this.name = 'AbortError';
  }
}

/**
 * The parts of one file's multipart upload being sent: as many at once as the flight
 * controller admits (every file together), and the pause that keeps work (`drain`), which
 * lets the nearly sent parts finish and the others go.
 */
export class PartsInFlight {
  readonly #flight: FlightController;
  readonly #priority: number;
  /** Bytes of a part already sent in this run (the progress count). */
  readonly #loaded: (partNumber: number) => number;
  /** Parts of the current run by number: waiting for the flight or in flight (`started`). */
  readonly #flying = new Map<number, { controller: AbortController; size: number; started: boolean }>();
  /** Set while parts are being sent (`send`): only then can a pause keep work. */
  #sending = false;
  /** A pause that keeps work is under way: no new part starts; `settle` ends it. */
  #draining: { settle: (outcome: DrainOutcome) => void } | undefined;

  constructor(flight: FlightController, priority: number, loaded: (partNumber: number) => number) {
    this.#flight = flight;
    this.#priority = priority;
    this.#loaded = loaded;
  }

  /**
   * A pause that keeps work: no new part starts, the parts that will all be sent within
   * `graceMs` at the measured speed finish (fewest bytes left first), the others are
   * aborted. Resolves once the kept parts are stored: `paused` when parts remain (the
   * caller then aborts the run), `finishing` when none does (the run goes on to complete).
   * Outside the sending of parts (credentials, Create, Complete) it resolves at once.
   */
  drain(graceMs: number): Promise<DrainOutcome> {
    if (!this.#sending || this.#draining) return Promise.resolve('paused');
    return new Promise((resolve) => {
      this.#draining = { settle: resolve };
      const started = [...this.#flying.entries()].filter(([, part]) => part.started);
      const remaining = started.map(([n, part]) => part.size - this.#loaded(n));
      const keep = new Set(
        partsToKeep(remaining, this.#flight.rate, graceMs / 1000).map((i) => started[i]![0]),
      );
      for (const [n, part] of this.#flying) if (!keep.has(n)) part.controller.abort(new LetGo());
    });
  }

  /**
   * Sends the parts of `plan` not in `stored`, in order, as the flight controller admits
   * them: parts start while the bytes in flight (every file together) stay within
   * `flightTime` of the measured uplink, at most `concurrency` at once. `part.prepare`
   * runs before a part asks for its place in flight (its CRC-32), `part.send` stores it
   * (and adds it to `stored`). A failed part stops the others.
   *
   * Preparing outside the flight keeps the CRC off the wire's critical path: the next
   * parts are hashed (in a Worker) while the admitted ones are on the wire, instead of each
   * holding its place in flight, with nothing on the wire, while its own CRC is computed
   * (issue 21: checksums on cost a quarter of the throughput that way).
   */
  async send<Prepared>(
    plan: MultipartPlan,
    stored: ReadonlyMap<number, unknown>,
    concurrency: number,
    signal: AbortSignal,
    part: {
      prepare: (partNumber: number) => Promise<Prepared>;
      send: (partNumber: number, prepared: Prepared, signal: AbortSignal) => Promise<void>;
    },
  ): Promise<void> {
    const pending: number[] = [];
    for (let n = 1; n <= plan.partCount; n++) if (!stored.has(n)) pending.push(n);
    const local = new AbortController();
    const forward = () => local.abort(signal.reason);
    signal.addEventListener('abort', forward, { once: true });
    let next = 0;
    let failed: { error: unknown } | undefined;
    const worker = async () => {
      while (!local.signal.aborted && !this.#draining && next < pending.length) {
        const partNumber = pending[next++]!;
        const { start, end } = partRange(plan, partNumber);
        const flying = { controller: new AbortController(), size: end - start, started: false };
        const stop = () => flying.controller.abort(local.signal.reason);
        local.signal.addEventListener('abort', stop, { once: true });
        this.#flying.set(partNumber, flying);
        try {
          const prepared = await part.prepare(partNumber);
          const release = await this.#flight.admit(
            flying.size,
            this.#priority,
            flying.controller.signal,
            () => flying.size - this.#loaded(partNumber),
          );
          flying.started = true;
          try {
            await part.send(partNumber, prepared, flying.controller.signal);
            // Answered by the server: the flight controller may learn the link's rate from it.
            release('stored');
          } finally {
            release();
          }
        } catch (error) {
          // Let go by a pause that keeps work: the part stays pending for the next run.
          if (flying.controller.signal.reason instanceof LetGo && !local.signal.aborted) return;
          failed ??= { error };
          // The others stop; Promise.all below waits for their in-flight requests to settle.
          local.abort(error);
          return;
        } finally {
          this.#flying.delete(partNumber);
          local.signal.removeEventListener('abort', stop);
        }
      }
    };
    const workers = Math.min(concurrency, pending.length);
    this.#sending = true;
    try {
      await Promise.all(Array.from({ length: workers }, worker));
    } finally {
      this.#sending = false;
      signal.removeEventListener('abort', forward);
    }
    const draining = this.#draining;
    this.#draining = undefined;
    if (draining && !failed && !signal.aborted) {
      if (stored.size === plan.partCount) {
        // Every part made it within the grace: the upload completes instead of pausing.
        draining.settle('finishing');
      } else {
        // The kept parts are stored: the pause takes effect now (the caller aborts the run).
        const aborted = new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        draining.settle('paused');
        await aborted;
      }
    } else {
      draining?.settle('paused');
    }
    signal.throwIfAborted();
    if (failed) throw failed.error;
  }
}
