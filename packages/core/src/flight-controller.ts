import { MIN_PART_SIZE } from './options.js';

// Five seconds of history: long enough to average out the bursts of progress events a
// browser sends, short enough to follow a link that changes (a train leaving Wi-Fi).
const WINDOW_MS = 5000;
// Below this much measured time the figure is noise (the first progress events of a
// request arrive in a burst as the socket buffer fills).
const MIN_SPAN_MS = 750;
// Nothing in flight for longer than this: the next bytes start a new measurement.
const IDLE_GAP_MS = 2000;
// On a link that one part already fills, the next part starts when those in flight have sent
// every byte (their answer need not be back), not before: a reload loses the sent bytes of
// every part in flight, and a part whose last bytes share the link with the next part's first
// ends later, so a reload in that stretch loses it whole. Issue 20 measured 4 parts of 5 MiB in
// flight at 2 MiB/s: 7-12 MiB re-sent where Uppy, one part at a time, re-sent about 2; a
// fixed 0.5 s lead cost 1 MiB more than one part at a time on average. A measured lead (the
// slowest recent part start plus a 50 ms progress tick, 100-500 ms) still lost a whole part
// at one cut of three where Uppy lost 0.33 MiB (links bench, 2 MiB/s, the tap cutting at the
// exact byte, load 14: part 3 started 386 ms before part 2's last byte). The cost: the link
// idles while the next request starts (signing, then 15-20 ms from headers to the first body
// byte at the bench's tap): 20-50 ms, 1.6-4% of a 5 MiB part at 4 MiB/s, under 1% at 1 MiB/s.
// Fast links are not link-bound and never wait for this.
// Two parts in flight must carry this much more than one for parallel parts to count as
// helping (a link whose single connection cannot fill it); below, the link is the limit and
// more parts in flight only put more bytes at risk. 1.5, not less: a link one connection
// cannot fill gains about 2x from a second; the first second of a part alone on a busy page
// can read 20-30% slow (late, bunched progress events). A 4 MiB/s link was once read as one
// that parallel parts help (links bench, load 15: six parts open, 21 MiB partly sent at a
// reload where Uppy had 0.8; that round kept no timeline to say which misreading it was).
const PARALLEL_GAIN = 1.5;
// A part sent alone in less than this: parts in flight hold little of the link's time
// whatever their number (6 x 8 MiB at 64 MiB/s is 0.75 s), so the engine opens up to
// `concurrency` as before, with no probe (on loopback, parallel parts are what is fast).
// Not 1 s: a 5 MiB part at 4 MiB/s takes 1.25 s, and a first reading 25% fast would make that
// link "fast" for the whole upload (this verdict is not checked again).
const FAST_PART_MS = 750;
// A part alone takes longer than this: no probe, the link is taken as the limit. Probing
// means two parts side by side until the first ends, and on a slow link that is seconds of
// both being partly sent: a reload then loses both (links bench, 1 MiB/s, a reload at about
// 50%: 7.69 MiB where Uppy, one part at a time, lost 2.69; two 5 MiB parts share the link
// for about 10 s). A link this slow is what a phone or a home uplink gives one connection
// and all of them together; a link one connection cannot fill (a long, lossy path) is
// rarely this slow per connection. Judged on a part of S3's smallest size or more (every
// part but a file's last), so a small last part does not start a probe beside a large one.
// 3 s, not less: at 2 MiB/s a 5 MiB part takes 2.5 s and the probe still runs there (the
// links bench loses nothing to it at 50%: it has ended seconds before); 1 MiB/s read 60%
// fast (a busy page's bunched progress events) still takes 3.1 s a part.
const PROBE_MAX_MS = 3000;

/**
 * The uplink's throughput, in bytes per second, over a sliding window of the bytes the
 * engine has seen leave (request body progress, all files together: they share one link).
 * Only time with bytes in flight counts: an idle gap between files does not read as a slow link.
 */
export class ThroughputEstimator {
  readonly #windowMs: number;
  readonly #minSpanMs: number;
  /** (time, bytes) in arrival order, within the window. */
  readonly #samples: { at: number; bytes: number }[] = [];
  /** When the current busy stretch began (the first bytes after idle). */
  #since: number | undefined;
  /** Set while nothing is in flight: the figure is frozen, not decayed. */
  #idleSince: number | undefined;
  #last: number | undefined;

  constructor(windowMs = WINDOW_MS, minSpanMs = MIN_SPAN_MS) {
    this.#windowMs = windowMs;
    this.#minSpanMs = minSpanMs;
  }

  /** Counts `bytes` that just left; `now` in ms on a monotonic clock. */
  record(bytes: number, now: number): void {
    if (bytes <= 0) return;
    if (this.#idleSince !== undefined) {
      // A short gap (one part ended, the next is starting) is part of the stretch; after a
      // longer one the link may have changed: measure afresh.
      if (now - this.#idleSince > IDLE_GAP_MS) {
        this.#samples.length = 0;
        this.#since = undefined;
      }
      this.#idleSince = undefined;
    }
    this.#since ??= now;
    this.#samples.push({ at: now, bytes });
    this.#trim(now);
  }

  /** Nothing is in flight any more: the figure holds until bytes move again. */
  idle(now: number): void {
    if (this.#idleSince !== undefined) return;
    const rate = this.#measure(now);
    if (rate !== undefined) this.#last = rate;
    this.#idleSince = now;
  }

  /**
   * Bytes per second over the window; the last figure while idle or when the current
   * stretch is too short to tell; undefined when nothing has been measured yet.
   */
  rate(now: number): number | undefined {
    if (this.#idleSince !== undefined) return this.#last;
    const rate = this.#measure(now);
    if (rate !== undefined) this.#last = rate;
    return rate ?? this.#last;
  }

  #measure(now: number): number | undefined {
    if (this.#since === undefined) return undefined;
    this.#trim(now);
    const start = Math.max(this.#since, now - this.#windowMs);
    const span = now - start;
    if (span < this.#minSpanMs) return undefined;
    let bytes = 0;
    for (const sample of this.#samples) if (sample.at > start) bytes += sample.bytes;
    return (bytes * 1000) / span;
  }

  #trim(now: number): void {
    const horizon = now - this.#windowMs;
    let drop = 0;
    while (drop < this.#samples.length && this.#samples[drop]!.at < horizon) drop++;
    if (drop > 0) this.#samples.splice(0, drop);
  }
}

export interface FlightSettings {
  /** Seconds of measured uplink the bytes in flight may hold (0: no time bound). */
  seconds: number;
  /** The configured `concurrency`: never more parts in flight. */
  maxParts: number;
  /** The configured `partSize`: the largest part size chosen. */
  maxPartSize: number;
}

/**
 * How many bytes may be in flight: `seconds` of the measured uplink, and always room for
 * one part (else nothing could move). Before anything is measured: one part, so a slow link
 * is not flooded before the engine knows it is slow.
 */
export function flightBudget(rate: number | undefined, settings: FlightSettings, partBytes: number): number {
  if (settings.seconds <= 0) return Number.POSITIVE_INFINITY;
  if (rate === undefined) return partBytes;
  return Math.max(partBytes, rate * settings.seconds);
}

/**
 * The part size of an upload about to be created. It is fixed for the whole upload (so the
 * parts S3 stores are all the same size but the last, which resume relies on), and chosen
 * from the uplink measured at that moment: half the flight budget, so at least two parts
 * fit in it (one finishing while the next is sent), between 5 MiB (S3's smallest) and the
 * configured part size. Before anything is measured (the page's first file): the configured
 * size. `planUpload` still grows it for files over 10,000 parts.
 */
export function choosePartSize(rate: number | undefined, settings: FlightSettings): number {
  if (settings.seconds <= 0 || rate === undefined) return settings.maxPartSize;
  const half = Math.floor((rate * settings.seconds) / 2);
  // Whole MiB: part sizes in logs and resume records stay readable.
  const rounded = Math.floor(half / (1024 * 1024)) * 1024 * 1024;
  return Math.min(settings.maxPartSize, Math.max(MIN_PART_SIZE, rounded));
}

/**
 * Which in-flight parts a pause lets finish: those that all complete within `graceSeconds`
 * at `rate`. Parts share the link, so keeping the k parts with the fewest bytes left ends
 * when all their bytes are sent: the largest such set whose total fits in the grace.
 * Returns the indexes (into `remaining`) to keep; the others are aborted.
 */
export function partsToKeep(
  remaining: readonly number[],
  rate: number | undefined,
  graceSeconds: number,
): number[] {
  if (graceSeconds <= 0 || rate === undefined || rate <= 0) return [];
  const order = remaining.map((bytes, index) => ({ bytes, index })).sort((a, b) => a.bytes - b.bytes);
  const keep: number[] = [];
  let total = 0;
  for (const { bytes, index } of order) {
    total += bytes;
    if (total > rate * graceSeconds) break;
    keep.push(index);
  }
  return keep;
}

/** Ends a part's flight: `'stored'` when the server answered it (see {@link FlightController}). */
export type PartRelease = (outcome?: 'stored') => void;

interface Waiter {
  bytes: number;
  unsent: (() => number) | undefined;
  priority: number;
  order: number;
  admit: () => void;
}

/** Whether parts in parallel carry more than one part alone on this link. */
type Parallelism = 'helps' | 'link-bound' | 'unknown';

/** A part in flight: its size and what it has left to send. */
interface Ticket {
  bytes: number;
  unsent: (() => number) | undefined;
}

/**
 * Admits parts into flight across every file of an uploader so that the bytes in flight
 * stay within {@link flightBudget}: a part starts when it fits, or when nothing else is in
 * flight. Waiters go in priority order (the file added first), like the connection budget.
 * It re-checks as bytes leave (the rate moves) and as parts end.
 *
 * Until the estimator's window has a figure (750 ms of bytes leaving), a part the server
 * has answered stands in for it: its bytes over the time since it was admitted. That is a
 * lower bound of the link's rate (every byte arrived, and the time includes the answer),
 * unlike early progress events, which count bytes that only reached the socket buffer. On
 * a fast link the first part ends long before the window fills (8 MiB in 0.1 to 0.4 s on
 * loopback): without it the first second went by one part at a time, while a bare
 * uploader had six in flight (issue 21). On a slow link the window fills first, as before.
 *
 * Within that budget it sends no more parts in parallel than the link needs. It measures
 * the link with one part in flight, then with two: when two carry no more than one
 * ({@link PARALLEL_GAIN}), the link is the limit, and a part starts only when those in
 * flight have sent every byte, so no two parts' bodies share the link and a reload cuts at
 * most the one part being sent, as with parts sent one after another. Where two carry more,
 * or a part alone takes under {@link FAST_PART_MS}, it opens up to the budget as before.
 * Where a part alone takes over {@link PROBE_MAX_MS}, it does not probe: the link counts as
 * the limit, since two parts sharing a link that slow would both be partly sent for seconds.
 * The verdict holds until the flight has been idle for a while (the link may have changed).
 *
 * @example
 * const flight = new FlightController({ seconds: 10, maxParts: 6, maxPartSize: 8 * MiB });
 * const release = await flight.admit(partBytes, priority, signal);
 * try { ...send the part, calling flight.sent(delta) on progress...; release('stored'); }
 * finally { release(); }
 */
export class FlightController {
  readonly settings: FlightSettings;
  readonly estimator: ThroughputEstimator;
  readonly #now: () => number;
  readonly #waiters: Waiter[] = [];
  /** The link measured while exactly one part was in flight, and while two or more were. */
  #solo = new ThroughputEstimator();
  #shared = new ThroughputEstimator();
  #verdict: 'helps' | 'link-bound' | undefined;
  /** What each part in flight has left to send (its whole size when the caller cannot tell). */
  readonly #tickets = new Set<Ticket>();
  #idleSince: number | undefined;
  #inFlight = 0;
  #parts = 0;
  #order = 0;
  /** Bytes per second of the last part the server answered while the window had no figure. */
  #delivered: number | undefined;

  constructor(
    settings: FlightSettings,
    now: () => number = defaultClock,
    estimator = new ThroughputEstimator(),
  ) {
    this.settings = settings;
    this.#now = now;
    this.estimator = estimator;
  }

  /** Bytes per second measured now (undefined before the first measurement). */
  get rate(): number | undefined {
    return this.estimator.rate(this.#now()) ?? this.#delivered;
  }

  /** Body bytes of the parts in flight. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** The bytes that may be in flight now. */
  budget(partBytes = this.settings.maxPartSize): number {
    return flightBudget(this.rate, this.settings, partBytes);
  }

  /** The part size for an upload created now (see {@link choosePartSize}). */
  partSize(): number {
    return choosePartSize(this.rate, this.settings);
  }

  /** Body bytes just sent (progress of any part). */
  sent(bytes: number): void {
    const now = this.#now();
    this.estimator.record(bytes, now);
    if (this.#parts === 1) this.#solo.record(bytes, now);
    else if (this.#parts > 1) this.#shared.record(bytes, now);
    this.#wake();
  }

  /**
   * Waits until a part of `bytes` may start. The returned function ends it (twice is
   * harmless): `release('stored')` when the server answered it, which measures the link
   * before the window can; `release()` when it was let go or failed. `unsent` tells how many
   * of its bytes are still to be sent once it flies (its size minus its progress): on a link
   * one part fills, the next part starts when those in flight are all sent. Without it,
   * a part counts as wholly unsent until it ends.
   */
  admit(bytes: number, priority: number, signal?: AbortSignal, unsent?: () => number): Promise<PartRelease> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#waiters.length === 0 && this.#fits(bytes)) return Promise.resolve(this.#take(bytes, unsent));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        unsent,
        priority,
        order: this.#order++,
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#take(bytes, unsent));
        },
      };
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(signal?.reason);
        this.#wake();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const at = this.#waiters.findIndex(
        (w) => w.priority > priority || (w.priority === priority && w.order > waiter.order),
      );
      if (at < 0) this.#waiters.push(waiter);
      else this.#waiters.splice(at, 0, waiter);
    });
  }

  /** Whether parallel parts carry more than one alone here (see the class comment). */
  parallelism(partBytes = this.settings.maxPartSize): Parallelism {
    const now = this.#now();
    // Before the window has a figure, the first part the server answered (sent alone: the
    // flight holds one part until measured) stands in for the one-part rate.
    const solo = this.#solo.rate(now) ?? this.#delivered;
    if (solo === undefined || solo <= 0) return 'unknown';
    if ((partBytes / solo) * 1000 < FAST_PART_MS) return 'helps';
    const shared = this.#shared.rate(now);
    // A verdict in hand stands (checked again below); without one, a link where a part
    // alone takes seconds is not probed. Not stored as a verdict: if the link speeds up
    // (measured with one part, as parts go one after another), the probe runs then.
    if (this.#verdict === undefined && (Math.max(partBytes, MIN_PART_SIZE) / solo) * 1000 > PROBE_MAX_MS)
      return 'link-bound';
    if (this.#verdict === 'helps' && shared !== undefined && shared <= PARALLEL_GAIN * solo) {
      // Checked again as parts share the link: a probe misled by one noisy second (a busy
      // page reports progress late and in bursts) must not keep several parts at risk on a
      // link one part fills (issue 20's 7.9 MiB reload at 2 MiB/s, on a machine at load 45).
      this.#verdict = 'link-bound';
    }
    if (this.#verdict) return this.#verdict;
    if (shared === undefined) return 'unknown';
    this.#verdict = shared > PARALLEL_GAIN * solo ? 'helps' : 'link-bound';
    return this.#verdict;
  }

  #fits(bytes: number): boolean {
    if (this.#parts === 0) return true;
    if (this.#parts >= this.settings.maxParts) return false;
    const rate = this.rate;
    if (this.#inFlight + bytes > flightBudget(rate, this.settings, bytes)) return false;
    if (this.settings.seconds <= 0 || rate === undefined) return true;
    switch (this.parallelism(bytes)) {
      case 'helps':
        return true;
      case 'unknown':
        // One more part than one, to learn whether it adds speed.
        return this.#parts < 2;
      case 'link-bound':
        return this.#unsent() <= 0;
    }
  }

  #unsent(): number {
    let total = 0;
    for (const t of this.#tickets) total += t.unsent ? Math.min(t.bytes, Math.max(0, t.unsent())) : t.bytes;
    return total;
  }

  #take(bytes: number, unsent: (() => number) | undefined): PartRelease {
    const now = this.#now();
    if (this.#parts === 0 && this.#idleSince !== undefined && now - this.#idleSince > IDLE_GAP_MS) {
      // Idle for a while: the link may have changed; measure afresh whether parts help.
      this.#verdict = undefined;
      this.#solo = new ThroughputEstimator();
      this.#shared = new ThroughputEstimator();
    }
    this.#idleSince = undefined;
    const ticket: Ticket = { bytes, unsent };
    this.#tickets.add(ticket);
    this.#inFlight += bytes;
    this.#parts += 1;
    this.#phase(now);
    const admittedAt = now;
    let done = false;
    return (outcome) => {
      if (done) return;
      done = true;
      if (outcome === 'stored') {
        const now = this.#now();
        if (this.estimator.rate(now) === undefined)
          this.#delivered = (bytes * 1000) / Math.max(1, now - admittedAt);
      }
      this.#tickets.delete(ticket);
      this.#inFlight -= bytes;
      this.#parts -= 1;
      const at = this.#now();
      this.#phase(at);
      this.#wake();
      if (this.#parts === 0) {
        this.estimator.idle(at);
        this.#idleSince = at;
      }
    };
  }

  /** Freezes the figure of the part count the flight just left (one part, or several). */
  #phase(now: number): void {
    if (this.#parts !== 1) this.#solo.idle(now);
    if (this.#parts < 2) this.#shared.idle(now);
  }

  #wake(): void {
    // In order: a later, smaller part does not overtake the first file's next part.
    while (this.#waiters.length > 0 && this.#fits(this.#waiters[0]!.bytes)) {
      this.#waiters.shift()!.admit();
    }
  }
}

function defaultClock(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
