// Issue 17 item 4: a server render (Next.js, Remix, any Node import) loads @s3up/react
// without a DOM: nothing reaches for window or the custom-element registry at import, and
// rendering to HTML gives a plain <s3-upload> that hydrates in the browser.
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

describe('@s3up/react in Node', () => {
  it('imports without window or document, and renders <s3-upload> to HTML', { timeout: 60_000 }, async () => {
    const g = globalThis as Record<string, unknown>;
    for (const name of ['window', 'document', 'customElements']) expect(g[name]).toBeUndefined();
    const { S3Upload } = await import('../../src/index.js');
    const html = renderToString(
      createElement(
        S3Upload,
        { endpoint: '/api/s3up/credentials', multiple: true, id: 'photos', onUploadSucceeded: () => {} },
        createElement('span', { slot: 'label' }, 'Drop photos'),
      ),
    );
    // Host attributes and slotted children render; element properties are set on hydration.
    expect(html).toBe('<s3-upload id="photos"><span slot="label">Drop photos</span></s3-upload>');
    // (Lit's Node build brings its own stand-in registry, @lit-labs/ssr-dom-shim; no DOM.)
    for (const name of ['window', 'document']) expect(g[name]).toBeUndefined();
  });
});
