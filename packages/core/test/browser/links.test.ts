// Uploads on real links (issue 20): on a throttled uplink (Chromium's DevTools network
// conditions) a page uploads a file through a meter that counts the bytes each request
// carried; it pauses at about a third and resumes, then is reloaded at about two thirds
// and the same file is added again. What a pause and a reload threw away, counted on the
// wire, stays within what the engine promises: no more than was allowed in flight,
// max(one part, flightTime of the measured uplink). One UploadId; the bytes read back exact.
// Files are scaled to the link so each case takes seconds; one browser for all of them.

import { throttleUplink } from '@s3up/testkit/chromium-network';
import { mintToken } from '@s3up/testkit/jwt';
import type {} from '@s3up/testkit/provided-token-server';
import { readBack } from '@s3up/testkit/read-back';
import { seededBytes } from '@s3up/testkit/seeded-bytes';
import type { MeteredRequest } from '@s3up/testkit/wire-meter';
import type {} from '@s3up/testkit/wire-meter-commands';
import { describe, expect, inject, it } from 'vitest';
import { commands } from 'vitest/browser';
import { testUser } from '../support/token.js';
import type { LinkCommand, LinkMessage } from './fixtures/link-page.js';

const tokenServer = inject('tokenServer');
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const FLIGHT_SECONDS = 10;
const CONCURRENCY = 6;
const GRACE_MS = 2000;

function next<T extends LinkMessage['event']>(
  event: T,
  page?: string,
): Promise<Extract<LinkMessage, { event: T }>> {
  return new Promise((resolve) => {
    const listener = (message: MessageEvent) => {
      const data = message.data as LinkMessage | undefined;
      if (message.origin !== location.origin || data?.link !== true || data.event !== event) return;
      if (page !== undefined && data.page !== page) return;
      window.removeEventListener('message', listener);
      resolve(data as Extract<LinkMessage, { event: T }>);
    };
    window.addEventListener('message', listener);
  });
}

/** Bytes a phase threw away: parts cut on the wire, and parts sent again after being stored. */
function wasted(requests: MeteredRequest[], from: number, to: number): number {
  const stored = new Set<number>();
  let waste = 0;
  for (const r of requests) {
    if (r.operation !== 'UploadPart') continue;
    const ok = r.outcome === 'answered' && r.status === 200;
    const at = ok ? r.startedAt : (r.endedAt ?? r.startedAt);
    const duplicate = ok && stored.has(r.partNumber!);
    if (ok) stored.add(r.partNumber!);
    if (at < from || at >= to) continue;
    if (!ok || duplicate) waste += r.received;
  }
  return waste;
}

const links: { name: string; rate: number | null; size: number; grace?: number }[] = [
  { name: '1 MiB/s', rate: 1 * MiB, size: 10 * MiB },
  { name: '2 MiB/s', rate: 2 * MiB, size: 12 * MiB },
  { name: '4 MiB/s', rate: 4 * MiB, size: 20 * MiB },
  // Unthrottled, the engine opens to six parts once the first is answered (issue 21), so a
  // small file would be stored before the test's round trips let it pause and reload: 80
  // MiB, and a pause that keeps nothing (every part in flight is cut, at most six parts,
  // the bound), so that enough is left for the reload at 70%.
  { name: 'unthrottled', rate: null, size: 80 * MiB, grace: 0 },
];

describe('uploads on real links', () => {
  for (const link of links) {
    it(`at ${link.name}: a pause and a reload each waste at most the flight bound; one UploadId; exact bytes`, async () => {
      const meterUrl = await commands.wireMeterStart();
      const user = testUser('link');
      const token = await mintToken(tokenServer.jwt, user, { expiresIn: '1h' });
      const command: LinkCommand = {
        run: 'first',
        url: `${tokenServer.url}/credentials`,
        token,
        meterUrl,
        dbName: `s3up-link-${user}`,
        size: link.size,
        seed: 20,
        partSize: PART,
        pauseAt: 0.35,
        reloadAt: 0.7,
        // A short grace, so that at a third of these small files some parts are still left
        // when the pause settles (with the default 5 s a pause here could finish them all).
        options: { concurrency: CONCURRENCY, pauseGrace: link.grace ?? GRACE_MS },
      };
      const frame = document.createElement('iframe');
      let ready = next('ready');
      frame.src = new URL('./fixtures/link-page.html', import.meta.url).href;
      document.body.append(frame);
      const first = await ready;
      const go = () => frame.contentWindow!.postMessage({ go: true }, location.origin);
      try {
        await throttleUplink(link.rate);
        const pausing = next('pausing', first.page);
        frame.contentWindow!.postMessage(command, location.origin);
        console.log(`links ${link.name}: pausing at`, (await pausing).progress);
        await commands.wireMeterMark('pause');
        const paused = next('paused', first.page);
        go();
        console.log(`links ${link.name}: paused at`, (await paused).progress);
        await commands.wireMeterMark('resume');
        const resumed = next('resumed', first.page);
        const reloadMe = next('reload-me', first.page);
        go();
        const atResume = await resumed;
        await reloadMe;
        await commands.wireMeterMark('reload');
        ready = next('ready');
        frame.contentWindow!.location.reload();
        const second = await ready;
        const reported = next('report', second.page);
        frame.contentWindow!.postMessage({ ...command, run: 'second' }, location.origin);
        const report = await reported;
        await throttleUplink(null);

        expect(report.error).toBeUndefined();
        expect(report.state).toBe('succeeded');
        expect(report.resumed).toBe(true);
        // Resume shows the stored bytes at once, and the next progress event has a speed.
        expect(atResume.shownAtResume).toBeGreaterThanOrEqual(0.3 * link.size);
        console.log(
          `links ${link.name}: first progress ${Math.round(atResume.firstProgressMs)} ms after resume`,
        );

        const { requests, marks } = await commands.wireMeterReport();
        const at = (name: string) => marks.find((m) => m.name === name)!.at;
        const creates = requests.filter((r) => r.operation === 'CreateMultipartUpload');
        expect(creates).toHaveLength(1);
        const ids = new Set(requests.filter((r) => r.uploadId).map((r) => r.uploadId));
        expect(ids.size).toBe(1);
        // What the engine promises: no more in flight than max(one part, flightTime of the
        // uplink), so no more than that lost to a pause or a reload.
        const bound = link.rate === null ? CONCURRENCY * PART : Math.max(PART, FLIGHT_SECONDS * link.rate);
        // A connection cut by the pause may close a moment later, after the resume: the
        // pause's waste is what was lost from the pause to the reload.
        const pauseWaste = wasted(requests, at('pause'), at('reload'));
        const reloadWaste = wasted(requests, at('reload'), Number.POSITIVE_INFINITY);
        console.log(
          `links ${link.name}: pause wasted ${(pauseWaste / MiB).toFixed(2)} MiB, reload ${(reloadWaste / MiB).toFixed(2)} MiB (bound ${(bound / MiB).toFixed(1)} MiB)`,
        );
        expect(pauseWaste).toBeLessThanOrEqual(bound);
        expect(reloadWaste).toBeLessThanOrEqual(bound);
        // Nothing was lost outside the pause and the reload.
        expect(wasted(requests, 0, at('pause'))).toBe(0);

        const prefix = `users/${user}/`;
        const stored = await readBack(tokenServer.url, token, report.key!, prefix);
        const expected = seededBytes(link.size, command.seed);
        expect(stored.length).toBe(expected.length);
        expect(stored.every((byte, i) => byte === expected[i])).toBe(true);
      } finally {
        await throttleUplink(null);
        frame.remove();
        await commands.wireMeterStop();
      }
    }, 90_000);
  }
});
