import { describe, expect, it } from 'vitest';
import {
  choosePartSize,
  FlightController,
  type FlightSettings,
  flightBudget,
  partsToKeep,
  ThroughputEstimator,
} from '../../src/flight-controller.js';

const MiB = 1024 * 1024;
const settings: FlightSettings = { seconds: 10, maxParts: 6, maxPartSize: 8 * MiB };

/** Feeds `rate` bytes/s to the estimator in 100 ms steps from `from` for `ms`; returns the end time. */
function feed(
  estimator: { record(bytes: number, now: number): void },
  rate: number,
  from: number,
  ms: number,
) {
  for (let t = from + 100; t <= from + ms; t += 100) estimator.record(rate / 10, t);
  return from + ms;
}

describe('ThroughputEstimator', () => {
  it('knows nothing before enough time has been measured, then gives the rate of the window', () => {
    const e = new ThroughputEstimator(5000, 750);
    expect(e.rate(0)).toBeUndefined();
    e.record(100_000, 0);
    expect(e.rate(500)).toBeUndefined();
    const end = feed(e, 2 * MiB, 0, 3000);
    expect(e.rate(end)).toBeGreaterThan(1.9 * MiB);
    expect(e.rate(end)).toBeLessThan(2.1 * MiB);
  });

  it('follows a link that slows down within the window', () => {
    const e = new ThroughputEstimator(5000, 750);
    let t = feed(e, 4 * MiB, 0, 6000);
    t = feed(e, 1 * MiB, t, 6000);
    expect(e.rate(t)).toBeCloseTo(1 * MiB, -4);
  });

  it('reads a stall as a falling rate while parts are in flight', () => {
    const e = new ThroughputEstimator(5000, 750);
    const t = feed(e, 2 * MiB, 0, 5000);
    expect(e.rate(t + 4000)).toBeLessThan(0.5 * MiB);
  });

  it('holds the figure while idle, and measures afresh after a long gap', () => {
    const e = new ThroughputEstimator(5000, 750);
    let t = feed(e, 2 * MiB, 0, 3000);
    e.idle(t);
    expect(e.rate(t + 60_000)).toBeCloseTo(2 * MiB, -4);
    t += 60_000;
    // The first bytes after the gap are too few to tell: the old figure stands until then.
    e.record(1000, t);
    expect(e.rate(t + 100)).toBeCloseTo(2 * MiB, -4);
    t = feed(e, 0.5 * MiB, t, 3000);
    expect(e.rate(t)).toBeCloseTo(0.5 * MiB, -4);
  });
});

describe('choosing the flight', () => {
  it('allows about `seconds` of the uplink in flight, never less than one part', () => {
    expect(flightBudget(1 * MiB, settings, 5 * MiB)).toBe(10 * MiB);
    expect(flightBudget(4 * MiB, settings, 8 * MiB)).toBe(40 * MiB);
    expect(flightBudget(0.1 * MiB, settings, 5 * MiB)).toBe(5 * MiB);
    // Unmeasured: one part, so a slow link is not flooded before it is known to be slow.
    expect(flightBudget(undefined, settings, 8 * MiB)).toBe(8 * MiB);
    expect(flightBudget(1 * MiB, { ...settings, seconds: 0 }, 5 * MiB)).toBe(Number.POSITIVE_INFINITY);
  });

  it('fixes the part size of a new upload from the uplink: 5 MiB on slow links, the configured size on fast ones', () => {
    expect(choosePartSize(0.2 * MiB, settings)).toBe(5 * MiB);
    expect(choosePartSize(1 * MiB, settings)).toBe(5 * MiB);
    expect(choosePartSize(1.4 * MiB, settings)).toBe(7 * MiB);
    expect(choosePartSize(2 * MiB, settings)).toBe(8 * MiB);
    expect(choosePartSize(100 * MiB, settings)).toBe(8 * MiB);
    expect(choosePartSize(undefined, settings)).toBe(8 * MiB);
    expect(choosePartSize(100 * MiB, { ...settings, maxPartSize: 64 * MiB })).toBe(64 * MiB);
  });

  it('lets a pause finish the parts that all end within the grace, fewest bytes left first', () => {
    // 1 MiB/s, 5 s of grace: 1 + 2.5 MiB fit (3.5 s), adding 3 MiB would not (6.5 s).
    expect(partsToKeep([3 * MiB, 6 * MiB, 1 * MiB, 2.5 * MiB], 1 * MiB, 5).sort()).toEqual([2, 3]);
    expect(partsToKeep([3 * MiB], 1 * MiB, 5)).toEqual([0]);
    expect(partsToKeep([8 * MiB], 1 * MiB, 5)).toEqual([]);
    expect(partsToKeep([1 * MiB], undefined, 5)).toEqual([]);
    expect(partsToKeep([1], 1 * MiB, 0)).toEqual([]);
  });
});

describe('FlightController', () => {
  function controller() {
    let now = 0;
    const flight = new FlightController(settings, () => now);
    return {
      flight,
      /** Time passes with no bytes leaving. */
      wait(ms: number) {
        now += ms;
      },
      advance(rate: number, ms: number) {
        for (let i = 0; i < ms / 100; i++) {
          now += 100;
          flight.sent(rate / 10);
        }
      },
    };
  }

  /** A part in flight whose unsent bytes the test moves as the link carries them. */
  function part(size: number) {
    const p = { left: size, unsent: () => p.left };
    return p;
  }

  // The probe runs where a 5 MiB part alone takes at most 3 s: 2 MiB/s (2.5 s) is the
  // slowest round link that still probes; 1 MiB/s (5 s) is not probed (tests below).
  it('sends one part until the link is measured, then tries a second to see whether it adds speed', async () => {
    const { flight, advance } = controller();
    const first = await flight.admit(5 * MiB, 0);
    let second = false;
    const waiting = flight.admit(5 * MiB, 0).then((release) => {
      second = true;
      return release;
    });
    await Promise.resolve();
    expect(second).toBe(false);
    expect(flight.parallelism(5 * MiB)).toBe('unknown');
    // 2 MiB/s measured with one part (5 MiB in 2.5 s): a second one is tried.
    advance(2 * MiB, 2000);
    await Promise.resolve();
    expect(second).toBe(true);
    first();
    (await waiting)();
  });

  it('on a link one part fills, starts the next part only when those in flight have sent every byte', async () => {
    const { flight, advance } = controller();
    const a = part(5 * MiB);
    const releaseA = await flight.admit(5 * MiB, 0, undefined, a.unsent);
    advance(2 * MiB, 1000);
    a.left -= 2 * MiB;
    const b = part(5 * MiB);
    const releaseB = await flight.admit(5 * MiB, 0, undefined, b.unsent);
    // Two parts share the same 2 MiB/s: no gain, the link is the limit.
    advance(2 * MiB, 1000);
    a.left -= 1 * MiB;
    b.left -= 1 * MiB;
    expect(flight.parallelism(5 * MiB)).toBe('link-bound');
    let third = false;
    void flight.admit(5 * MiB, 0, undefined, part(5 * MiB).unsent).then(() => {
      third = true;
    });
    releaseA();
    a.left = 0;
    advance(2 * MiB, 100);
    await Promise.resolve();
    // B has about 4 MiB left (2 s of the link): the third waits, though the 10 s budget
    // (20 MiB) has room for it.
    expect(third).toBe(false);
    // Even a few KiB left (a fraction of a progress tick): the third's first bytes would share
    // the link with B's last, and a reload in that stretch would lose B whole.
    b.left = 16 * 1024;
    advance(2 * MiB, 100);
    await Promise.resolve();
    expect(third).toBe(false);
    // B's body is all sent (its answer is not back yet): the third starts.
    b.left = 0;
    advance(2 * MiB, 100);
    await Promise.resolve();
    expect(third).toBe(true);
    releaseB();
  });

  it('goes back to parts one after another when many parts turn out to carry no more than one', async () => {
    // The probe saw a gain (a busy page reported a burst), so the flight opened; measured
    // again with three parts sharing the same 2 MiB/s, the link is the limit after all.
    const { flight, advance } = controller();
    const releases = [await flight.admit(5 * MiB, 0)];
    advance(2 * MiB, 2000);
    releases.push(await flight.admit(5 * MiB, 0));
    advance(4 * MiB, 1000);
    expect(flight.parallelism(5 * MiB)).toBe('helps');
    releases.push(await flight.admit(5 * MiB, 0));
    advance(2 * MiB, 5000);
    expect(flight.parallelism(5 * MiB)).toBe('link-bound');
    // Three parts wholly unsent: a fourth waits although the 10 s budget has room.
    let fourth = false;
    void flight.admit(5 * MiB, 0).then(() => {
      fourth = true;
    });
    await Promise.resolve();
    expect(fourth).toBe(false);
    for (const release of releases) release();
  });

  it('opens up to the budget where two parts carry more than one (a link one connection cannot fill)', async () => {
    const { flight, advance } = controller();
    // One connection carries 2 MiB/s (a 5 MiB part in 2.5 s: probed), two carry 4.
    const releases = [await flight.admit(5 * MiB, 0)];
    advance(2 * MiB, 2000);
    releases.push(await flight.admit(5 * MiB, 0));
    advance(4 * MiB, 2000);
    expect(flight.parallelism(5 * MiB)).toBe('helps');
    // Both parts still wholly unsent (no unsent() given), yet a third starts: the time
    // budget alone bounds the flight, as before.
    releases.push(await flight.admit(5 * MiB, 0));
    expect(flight.inFlight).toBe(15 * MiB);
    for (const release of releases) release();
  });

  it('measures afresh whether parts help after the flight was idle for a while', async () => {
    const { flight, advance } = controller();
    const first = await flight.admit(5 * MiB, 0);
    advance(2 * MiB, 1000);
    const second = await flight.admit(5 * MiB, 0);
    advance(2 * MiB, 1000);
    expect(flight.parallelism(5 * MiB)).toBe('link-bound');
    first();
    second();
    advance(0, 5000);
    // A new stretch: unknown until measured again, then probed with a second part.
    const third = await flight.admit(5 * MiB, 0);
    expect(flight.parallelism(5 * MiB)).toBe('unknown');
    advance(2 * MiB, 1000);
    const fourth = await flight.admit(5 * MiB, 0);
    third();
    fourth();
  });

  it('never admits more than the configured number of parts on a fast link', async () => {
    const { flight, advance } = controller();
    const releases = [await flight.admit(8 * MiB, 0)];
    advance(500 * MiB, 1000);
    for (let i = 1; i < 6; i++) releases.push(await flight.admit(8 * MiB, 0));
    let seventh = false;
    void flight.admit(8 * MiB, 0).then(() => {
      seventh = true;
    });
    await Promise.resolve();
    expect(seventh).toBe(false);
    releases[0]!();
    await Promise.resolve();
    expect(seventh).toBe(true);
  });

  it('admits waiters in priority order, and an aborted waiter leaves the queue', async () => {
    const { flight } = controller();
    const first = await flight.admit(5 * MiB, 5);
    const order: number[] = [];
    const gone = new AbortController();
    const late = flight.admit(5 * MiB, 9).then((r) => {
      order.push(9);
      return r;
    });
    const dropped = flight.admit(5 * MiB, 1, gone.signal);
    const early = flight.admit(5 * MiB, 2).then((r) => {
      order.push(2);
      return r;
    });
    gone.abort(new Error('paused'));
    await expect(dropped).rejects.toThrow('paused');
    first();
    (await early)();
    (await late)();
    expect(order).toEqual([2, 9]);
  });

  it('chooses 5 MiB parts for a file created after a slow link was measured', () => {
    const { flight, advance } = controller();
    expect(flight.partSize()).toBe(8 * MiB);
    void flight.admit(5 * MiB, 0);
    advance(0.5 * MiB, 3000);
    expect(flight.partSize()).toBe(5 * MiB);
  });

  it('opens up after the first part the server answered, before the window has a figure', async () => {
    const { flight, advance } = controller();
    const first = await flight.admit(8 * MiB, 0);
    let admitted = 0;
    const rest = Array.from({ length: 6 }, () =>
      flight.admit(8 * MiB, 0).then((release) => {
        admitted++;
        return release;
      }),
    );
    // 8 MiB sent in 200 ms (40 MiB/s): too short for the window, so still one part.
    advance(40 * MiB, 200);
    await Promise.resolve();
    expect(flight.rate).toBeUndefined();
    expect(admitted).toBe(0);
    // The server answered it: 8 MiB in 200 ms is a rate the link surely has; 10 s of it
    // holds far more than six parts, so the concurrency limit is what stops them.
    first('stored');
    await new Promise((r) => setTimeout(r, 0));
    expect(flight.rate).toBe(40 * MiB);
    expect(admitted).toBe(6);
    for (const release of await Promise.all(rest)) release('stored');
  });

  it('learns nothing from a part that was let go or failed', async () => {
    const { flight, advance } = controller();
    const first = await flight.admit(8 * MiB, 0);
    let second = false;
    const waiting = flight.admit(8 * MiB, 0).then((release) => {
      second = true;
      return release;
    });
    const third = flight.admit(8 * MiB, 0);
    advance(40 * MiB, 200);
    first();
    await Promise.resolve();
    // The freed slot goes to the next part, but the link is still unmeasured: one at a time.
    expect(second).toBe(true);
    expect(flight.rate).toBeUndefined();
    let thirdIn = false;
    void third.then(() => {
      thirdIn = true;
    });
    await Promise.resolve();
    expect(thirdIn).toBe(false);
    (await waiting)();
  });

  it('on a slow link the answered part gives the slow rate: no more in flight than the window would allow', async () => {
    const { flight, wait } = controller();
    const first = await flight.admit(5 * MiB, 0);
    let admitted = 0;
    for (let i = 0; i < 5; i++)
      void flight.admit(5 * MiB, 0).then(() => {
        admitted++;
      });
    // A 5 MiB part answered 5 s after it started (the window would say 1 MiB/s too): 10 s of
    // 1 MiB/s is two 5 MiB parts of budget, and a part alone takes 5 s, so no probe either:
    // one part, the next when it is almost sent.
    wait(5000);
    first('stored');
    await new Promise((r) => setTimeout(r, 0));
    expect(flight.rate).toBe(1 * MiB);
    expect(flight.budget(5 * MiB)).toBe(10 * MiB);
    expect(admitted).toBe(1);
    expect(flight.partSize()).toBe(5 * MiB);
  });

  it('does not probe a link where a part alone takes seconds: at 1 MiB/s no second part opens', async () => {
    const { flight, advance } = controller();
    const a = part(5 * MiB);
    const releaseA = await flight.admit(5 * MiB, 0, undefined, a.unsent);
    let second = false;
    const b = part(5 * MiB);
    const waiting = flight.admit(5 * MiB, 0, undefined, b.unsent).then((release) => {
      second = true;
      return release;
    });
    // 1 MiB/s with one part: a 5 MiB part takes 5 s. The 10 s budget has room for two,
    // but two would share the link for about 10 s, both partly sent: a reload loses both.
    for (let s = 1; s <= 4; s++) {
      advance(1 * MiB, 1000);
      a.left -= 1 * MiB;
      await Promise.resolve();
      expect(flight.parallelism(5 * MiB)).toBe('link-bound');
      expect(second).toBe(false);
    }
    // As on any link one part fills: the next starts once A has sent every byte.
    a.left = 0;
    advance(1 * MiB, 100);
    await Promise.resolve();
    expect(second).toBe(true);
    releaseA('stored');
    (await waiting)();
  });

  it('does not probe beside a large part for a small last part on a slow link', async () => {
    // A 2 MiB last part alone would take 2 s at 1 MiB/s, under the probe's 3 s; the part it
    // would share the link with is 5 MiB, so the judgement is on 5 MiB (S3's smallest part).
    const { flight, advance } = controller();
    const a = part(5 * MiB);
    const releaseA = await flight.admit(5 * MiB, 0, undefined, a.unsent);
    advance(1 * MiB, 2000);
    a.left -= 2 * MiB;
    expect(flight.parallelism(2 * MiB)).toBe('link-bound');
    let last = false;
    void flight.admit(2 * MiB, 0, undefined, part(2 * MiB).unsent).then(() => {
      last = true;
    });
    await Promise.resolve();
    expect(last).toBe(false);
    releaseA('stored');
    await Promise.resolve();
    expect(last).toBe(true);
  });

  it('probes once a link first read as slow turns out to carry a part in under 3 s', async () => {
    const { flight, advance } = controller();
    const a = part(5 * MiB);
    const releaseA = await flight.admit(5 * MiB, 0, undefined, a.unsent);
    advance(1 * MiB, 1000);
    a.left -= 1 * MiB;
    expect(flight.parallelism(5 * MiB)).toBe('link-bound');
    // The same part, now at 4 MiB/s (the first second was slow: a busy page, a link that
    // woke up): the window reads about 2.5 MiB/s, 2 s a part, and the probe runs.
    advance(4 * MiB, 1000);
    a.left = 0;
    expect(flight.parallelism(5 * MiB)).toBe('unknown');
    const releaseB = await flight.admit(5 * MiB, 0, undefined, part(5 * MiB).unsent);
    expect(flight.inFlight).toBe(10 * MiB);
    releaseA();
    releaseB();
  });

  it('prefers the window once it has a figure', async () => {
    const { flight, advance } = controller();
    const first = await flight.admit(8 * MiB, 0);
    advance(2 * MiB, 1000);
    first('stored');
    // The window measured 2 MiB/s over 1 s; the part alone would say 8 MiB/s.
    expect(flight.rate).toBeCloseTo(2 * MiB, 0);
  });
});
