// The AWS SDK is most of what an upload needs to download (bench: bundle-size). It is not in
// the element's static imports, so rendering never waits for it; the element starts
// fetching it once the page is idle after the first render, or when the user points at,
// focuses or drags onto it, so the first upload does not wait for it either (issue 21).
import { expect, it } from 'vitest';
import { file, mount, statusOfRow } from './fixture.js';

/** The AWS SDK modules this document has requested so far (resource timing is per document). */
function sdkRequests(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((name) => /@aws-sdk|aws-sdk_/.test(name));
}

it('fetches the AWS SDK on focus or when idle, before any upload starts; the first upload then succeeds', async () => {
  const { el } = await mount({ auto: 'false' });
  el.addFiles([file('later.bin', 2000)]);
  await expect.poll(() => statusOfRow(el, 'later.bin')).toBe('queued');
  el.shadowRoot!.querySelector<HTMLElement>('[part="browse-button"]')!.focus();
  // No upload has started, yet the SDK is on its way.
  await expect
    .poll(() => sdkRequests().some((name) => name.includes('client-s3')), { timeout: 15_000 })
    .toBe(true);
  expect(statusOfRow(el, 'later.bin')).toBe('queued');

  el.uploader.start();
  await expect.poll(() => statusOfRow(el, 'later.bin'), { timeout: 30_000 }).toBe('succeeded');
});
