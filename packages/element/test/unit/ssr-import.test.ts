// Issue 17 item 4: a server render (Next.js server components, Nuxt SSR, any Node import)
// loads the element and the engine without a DOM: nothing may reach for window or the
// custom-element registry at import time.
import { describe, expect, it } from 'vitest';

describe('importing in Node', () => {
  it('the element, its define module and the engine import without window or document', async () => {
    const g = globalThis as Record<string, unknown>;
    expect(g.window).toBeUndefined();
    expect(g.document).toBeUndefined();
    const element = await import('../../src/index.js');
    await import('../../src/define.js');
    const core = await import('@s3up/core');
    expect(element.S3Upload).toBeTypeOf('function');
    expect(core.Uploader).toBeTypeOf('function');
    // Importing created no browser globals either.
    expect(g.window).toBeUndefined();
    expect(g.document).toBeUndefined();
  });
});
