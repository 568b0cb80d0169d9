import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { SPOIL_NAMES, type Spoil } from '../support/spoiled-answers.js';
import type {} from '../support/spoiled-answers-commands.js';
import { audit, file, mount, rowOf, screenshot, statusOfRow } from './fixture.js';

// Issue #14 item 1 in the element: the held bad answers of the credentials endpoint (an
// expiration in the past or equal to serverTime, no prefix, a prefix without its slash, a
// missing field, malformed JSON) come from the testkit's FaultProxy in front of the run's
// token server, rewriting its real answers (one proxy per spoil). Each must read "the upload
// service answered something unexpected" (not "sign in again", which is for 401/403), send
// nothing to S3, and cost a bounded number of token requests: the first and the engine's
// default 5 retries.
const MOST_TOKEN_REQUESTS = 1 + 5;
const UNEXPECTED = 'The upload service answered something unexpected: retry later.';

let spoilers: Record<Spoil, string>;
beforeAll(async () => {
  spoilers = await commands.spoiledAnswersStart();
});
afterAll(async () => {
  await commands.spoiledAnswersStop();
  document.body.replaceChildren();
});

describe('a bad credentials answer shows as the upload service’s fault (#14 item 1)', () => {
  it('each held bad answer: the row says so, nothing reaches S3, at most the bounded token requests', async () => {
    // All at once, one element per bad answer: the backoff between retries runs in parallel.
    const mounted = await Promise.all(
      SPOIL_NAMES.map(async (spoil: Spoil) => {
        const { el } = await mount();
        el.endpoint = `${spoilers[spoil]}/credentials`;
        const failures: { code: string; status: number | undefined }[] = [];
        el.addEventListener('s3-upload-failed', (e) =>
          failures.push({ code: e.detail.error.code, status: e.detail.error.status }),
        );
        el.addFiles([file(`${spoil}.bin`, 3000)]);
        return { spoil, el, failures };
      }),
    );
    for (const { spoil, el } of mounted) {
      await expect.poll(() => statusOfRow(el, `${spoil}.bin`), { timeout: 45_000 }).toBe('failed');
    }
    const counts = await commands.spoiledAnswersCounts();
    for (const { spoil, el, failures } of mounted) {
      const reason = rowOf(el, `${spoil}.bin`).querySelector('[part="reason"]')?.textContent;
      expect(reason, spoil).toBe(UNEXPECTED);
      expect(failures, spoil).toEqual([{ code: 'credentials', status: 200 }]);
      // No key was chosen: no request went to S3 on credentials the engine refused.
      expect((await el.whenUploaderReady()).tasks[0]?.key, spoil).toBeUndefined();
      // Retried with backoff (a deploy may be in progress), but only a bounded number of times.
      expect(counts[spoil], spoil).toBeGreaterThan(1);
      expect(counts[spoil], spoil).toBeLessThanOrEqual(MOST_TOKEN_REQUESTS);
    }
    const past = mounted.find((m) => m.spoil === 'past-expiry')!;
    expect(await audit(past.el)).toEqual([]);
    await screenshot(past.el, 'credentials-answer-unexpected');
  });
});
