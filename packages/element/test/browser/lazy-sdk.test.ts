// The AWS SDK is most of what an upload needs to download (bench: bundle-size). A page that
// only shows <s3-upload> must not pay for it: the SDK is fetched when the first upload starts.
import { expect, it } from 'vitest';
import { file, mount, statusOfRow } from './fixture.js';

/** The AWS SDK modules this document has requested so far (resource timing is per document). */
function sdkRequests(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((name) => /@aws-sdk|aws-sdk_/.test(name));
}

it('renders, takes focus and lists files without loading the AWS SDK; the first upload loads it', async () => {
  const { el } = await mount({ auto: 'false' });
  el.addFiles([file('later.bin', 2000)]);
  await expect.poll(() => statusOfRow(el, 'later.bin')).toBe('queued');
  el.shadowRoot!.querySelector<HTMLElement>('[part="browse-button"]')!.focus();
  expect(sdkRequests()).toEqual([]);

  el.uploader.start();
  await expect.poll(() => statusOfRow(el, 'later.bin'), { timeout: 30_000 }).toBe('succeeded');
  expect(sdkRequests().some((name) => name.includes('client-s3'))).toBe(true);
});
