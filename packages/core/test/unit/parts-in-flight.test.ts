// The parts of one file under the flight controller (issue 21): a part's CRC is computed
// before it asks for a place in flight, so the next parts are hashed while admitted ones
// are on the wire; and a part the server answered tells the controller how fast the link
// is, so a fast link opens to `concurrency` parts after the first one.
import { describe, expect, it } from 'vitest';
import { FlightController } from '../../src/flight-controller.js';
import { PartsInFlight } from '../../src/parts-in-flight.js';
import type { MultipartPlan } from '../../src/resume.js';

const MiB = 1024 * 1024;
const plan = (partCount: number): MultipartPlan => ({
  kind: 'multipart',
  size: partCount * 8 * MiB,
  partSize: 8 * MiB,
  partCount,
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('PartsInFlight', () => {
  it('prepares the next parts (their CRCs) while the admitted one is on the wire', async () => {
    // One part in flight at a time, whatever the link.
    const flight = new FlightController({ seconds: 0, maxParts: 1, maxPartSize: 8 * MiB });
    const parts = new PartsInFlight(flight, 0, () => 0);
    const stored = new Map<number, string>();
    const events: string[] = [];
    const onWire = new Map<number, ReturnType<typeof deferred>>();
    const sending = parts.send(plan(3), stored, 3, new AbortController().signal, {
      prepare: async (n) => {
        events.push(`prepare ${n}`);
        return `crc-${n}`;
      },
      send: async (n, crc, _signal) => {
        events.push(`send ${n} with ${crc}`);
        const wire = deferred();
        onWire.set(n, wire);
        await wire.promise;
        stored.set(n, crc);
      },
    });
    await tick();
    // Part 1 is on the wire; parts 2 and 3 are hashed already and wait for their place.
    expect(events).toEqual(['prepare 1', 'prepare 2', 'prepare 3', 'send 1 with crc-1']);
    onWire.get(1)!.resolve();
    await tick();
    expect(events.at(-1)).toBe('send 2 with crc-2');
    onWire.get(2)!.resolve();
    await tick();
    onWire.get(3)!.resolve();
    await sending;
    expect([...stored.entries()]).toEqual([
      [1, 'crc-1'],
      [2, 'crc-2'],
      [3, 'crc-3'],
    ]);
  });

  it('a part the server answered opens a fast link to every part at once, before the window measures', async () => {
    let now = 0;
    const flight = new FlightController({ seconds: 10, maxParts: 6, maxPartSize: 8 * MiB }, () => now);
    const parts = new PartsInFlight(flight, 0, () => 0);
    const stored = new Map<number, true>();
    const onWire = new Map<number, ReturnType<typeof deferred>>();
    const sending = parts.send(plan(7), stored, 6, new AbortController().signal, {
      prepare: async () => undefined,
      send: async (n) => {
        const wire = deferred();
        onWire.set(n, wire);
        await wire.promise;
        stored.set(n, true);
      },
    });
    await tick();
    // Unmeasured link: one part.
    expect([...onWire.keys()]).toEqual([1]);
    // Its 8 MiB were answered 200 ms later (40 MiB/s): far more than six parts fit in 10 s of it.
    now += 200;
    onWire.get(1)!.resolve();
    await tick();
    expect([...onWire.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const wire of onWire.values()) wire.resolve();
    await sending;
    expect(stored.size).toBe(7);
  });

  it('a failed part teaches the flight controller nothing', async () => {
    let now = 0;
    const flight = new FlightController({ seconds: 10, maxParts: 6, maxPartSize: 8 * MiB }, () => now);
    const parts = new PartsInFlight(flight, 0, () => 0);
    const sending = parts.send(plan(3), new Map(), 3, new AbortController().signal, {
      prepare: async () => undefined,
      send: async () => {
        now += 200;
        throw new Error('500 from S3');
      },
    });
    await expect(sending).rejects.toThrow('500 from S3');
    expect(flight.rate).toBeUndefined();
  });
});
