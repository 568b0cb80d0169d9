// The element makes a new engine when its configuration changes between uploads; the old
// one must let go of the page (its online/offline listeners, its S3 client). Observed the
// way a leak shows in DevTools: which online/offline listeners the window really holds,
// tracked at the window's own add/removeEventListener (the engine itself is not touched).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digest, file, mount, readBack, rowOf, rows, statusOfRow } from './fixture.js';

const held = new Set<string>();
const ids = new WeakMap<object, string>();
const realAdd = window.addEventListener;
const realRemove = window.removeEventListener;
const idOf = (listener: object) => {
  let id = ids.get(listener);
  if (!id) {
    id = crypto.randomUUID();
    ids.set(listener, id);
  }
  return id;
};

beforeAll(() => {
  window.addEventListener = function (this: Window, ...args: Parameters<Window['addEventListener']>) {
    const [type, listener] = args;
    if ((type === 'online' || type === 'offline') && listener) held.add(`${type} ${idOf(listener)}`);
    return realAdd.apply(this, args);
  } as Window['addEventListener'];
  window.removeEventListener = function (this: Window, ...args: Parameters<Window['removeEventListener']>) {
    const [type, listener] = args;
    if (listener) held.delete(`${type} ${idOf(listener)}`);
    return realRemove.apply(this, args);
  } as Window['removeEventListener'];
});

afterAll(() => {
  window.addEventListener = realAdd;
  window.removeEventListener = realRemove;
  document.body.replaceChildren();
});

function windowListeners(type: 'online' | 'offline'): number {
  return [...held].filter((entry) => entry.startsWith(`${type} `)).length;
}

describe('engine lifecycle', () => {
  it('an engine replaced after a configuration change is destroyed: its window listeners go', async () => {
    const { el, token } = await mount({ multiple: true });
    const before = { online: windowListeners('online'), offline: windowListeners('offline') };

    const first = file('first.bin', 3000);
    el.addFiles([first]);
    await expect.poll(() => statusOfRow(el, 'first.bin'), { timeout: 20_000 }).toBe('succeeded');
    const firstEngine = el.uploader;
    expect(windowListeners('online')).toBe(before.online + 1);
    expect(windowListeners('offline')).toBe(before.offline + 1);

    // A new configuration while idle: the next upload runs on a new engine.
    el.setAttribute('concurrency', '2');
    const second = file('second.bin', 4000);
    el.addFiles([second]);
    await expect.poll(() => statusOfRow(el, 'second.bin'), { timeout: 20_000 }).toBe('succeeded');
    expect(el.uploader).not.toBe(firstEngine);
    // One engine listening, not two.
    expect(windowListeners('online')).toBe(before.online + 1);
    expect(windowListeners('offline')).toBe(before.offline + 1);

    // Both files stay in the list and the value, and both objects are intact.
    expect(el.value).toHaveLength(2);
    for (const [key, source] of [
      [el.value[0]!, first],
      [el.value[1]!, second],
    ] as const) {
      expect(await digest(await readBack(key, token))).toBe(await digest(source));
    }
  });

  it('a file that failed on a replaced engine is retried on the new one, in its place', async () => {
    const { el, token } = await mount({ multiple: true });
    const before = windowListeners('online');
    let auth = 'Bearer not-a-token';
    el.credentialsRequest = (init) => ({
      ...init,
      headers: { ...(init.headers as Record<string, string> | undefined), authorization: auth },
    });
    const refused = file('refused-first.bin', 5000);
    el.addFiles([refused, file('second-row.bin', 10)]);
    await expect.poll(() => statusOfRow(el, 'refused-first.bin'), { timeout: 20_000 }).toBe('failed');
    const firstEngine = el.uploader;

    auth = `Bearer ${token}`;
    el.setAttribute('part-size', '6 MiB');
    const row = rowOf(el, 'refused-first.bin');
    row.querySelector<HTMLButtonElement>('[part~="retry-button"]')!.click();
    await expect.poll(() => statusOfRow(el, 'refused-first.bin'), { timeout: 20_000 }).toBe('succeeded');
    expect(el.uploader).not.toBe(firstEngine);
    // One row each, none appended: failed rows show first (#20 item 6), so the one still
    // failed leads, and the retried file keeps its row, now stored.
    expect(rows(el).map((r) => r.querySelector('[part="name"]')?.textContent)).toEqual([
      'second-row.bin',
      'refused-first.bin',
    ]);
    expect(statusOfRow(el, 'second-row.bin')).toBe('failed');
    expect(windowListeners('online')).toBe(before + 1);
    const key = el.value.find((k) => k.endsWith('/refused-first.bin'))!;
    expect(await digest(await readBack(key, token))).toBe(await digest(refused));
  });
});

describe('definition', () => {
  it('a second copy of the define module (a duplicate package, or hydration after SSR) does not throw', async () => {
    const first = customElements.get('s3-upload');
    expect(first).toBeDefined();
    // A query string makes Vite run the define module a second time (customElements.define
    // of a taken name throws, so an unguarded second run would fail the import).
    const second = (await import(/* @vite-ignore */ `../../src/define.ts?copy=${Date.now()}`)) as {
      S3Upload: CustomElementConstructor;
    };
    expect(second.S3Upload).toBeTypeOf('function');
    expect(customElements.get('s3-upload')).toBe(first);
  });
});
