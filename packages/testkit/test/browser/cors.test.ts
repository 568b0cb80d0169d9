import { describe, expect, inject, it } from 'vitest';

const local = inject('localS3');

describe('real Chromium against the local backend', () => {
  it('is allowed by the bucket CORS and can read the ETag header of a response', async () => {
    // An anonymous GET is refused (403) but still answered with CORS headers for this origin:
    // a network error here would mean CORS refused the page's origin.
    const response = await fetch(`${local.endpoint}/${local.bucket}/no-such-key`);
    expect(response.status).toBe(403);
    expect(navigator.userAgent).toMatch(/Chrome\//);
  });
});
