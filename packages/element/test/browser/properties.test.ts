// Issue 17 item 1: React 19 (and Vue) set a custom element's *property* to the string an
// author writes, so every numeric property must read "1 KB" or "2" the way its attribute
// does, and a value it cannot read must never silently remove a limit. Rendered with the
// real React 19, the way an app writes it.
import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isS3UploadElementError, type S3Upload } from '../../src/index.js';
import { $, digest, file, jwtFor, newUser, readBack, rows, statusOfRow, tokenServer } from './fixture.js';

const MiB = 1024 * 1024;
let root: Root | undefined;

afterEach(() => {
  root?.unmount();
  root = undefined;
  document.body.replaceChildren();
});

/** Renders `<s3-upload {...props}>` with React 19 and returns the element. */
async function renderWithReact(props: Record<string, unknown>): Promise<S3Upload> {
  const host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  flushSync(() => root!.render(createElement('s3-upload', props)));
  const el = host.querySelector('s3-upload')!;
  await el.updateComplete;
  return el;
}

async function signedIn(el: S3Upload): Promise<string> {
  const token = await jwtFor(newUser('props'));
  el.credentialsRequest = (init) => ({
    ...init,
    headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
  });
  return token;
}

describe('numeric properties set the React way', () => {
  it('maxFileSize="1 KB" holds: the hint says so and a larger file is refused', async () => {
    const el = await renderWithReact({
      endpoint: `${tokenServer.url}/credentials`,
      maxFileSize: '1 KB',
      multiple: true,
      auto: false,
    });
    expect(el.maxFileSize).toBe(1000);
    expect($(el, '[part="hint"]').textContent).toBe('Up to 1 kB each');
    el.addFiles([file('small.bin', 900), file('big.bin', 1001)]);
    await expect.poll(() => rows(el).length).toBe(2);
    expect(statusOfRow(el, 'small.bin')).toBe('queued');
    expect(statusOfRow(el, 'big.bin')).toBe('refused');
  });

  it('maxFiles="1" holds with multiple', async () => {
    const el = await renderWithReact({
      endpoint: `${tokenServer.url}/credentials`,
      maxFiles: '1',
      multiple: true,
      auto: false,
    });
    expect(el.maxFiles).toBe(1);
    expect($(el, '[part="hint"]').textContent).toBe('At most 1 file');
    el.addFiles([file('one.bin', 10), file('two.bin', 20)]);
    await expect.poll(() => rows(el).length).toBe(2);
    expect(statusOfRow(el, 'one.bin')).toBe('queued');
    expect(statusOfRow(el, 'two.bin')).toBe('refused');
  });

  it('concurrency="2" and partSize="5 MiB" reach the engine: a multipart upload stores the exact bytes', async () => {
    const el = await renderWithReact({
      endpoint: `${tokenServer.url}/credentials`,
      concurrency: '2',
      partSize: '5 MiB',
    });
    expect(el.concurrency).toBe(2);
    expect(el.partSize).toBe(5 * MiB);
    el.pauseGrace = '0';
    expect(el.pauseGrace).toBe(0);
    el.pauseGrace = 2500;
    expect(el.pauseGrace).toBe(2500);
    el.flightTime = '20000';
    expect(el.flightTime).toBe(20_000);
    const token = await signedIn(el);
    const source = file('parts.bin', 11 * MiB);
    const stored = new Promise<string>((resolve) =>
      el.addEventListener('s3-upload-succeeded', (e) => resolve(e.detail.key), { once: true }),
    );
    el.addFiles([source]);
    const key = await stored;
    expect(await digest(await readBack(key, token))).toBe(await digest(source));
  });

  it('a property it cannot read throws, naming the property and the value; the limit stays', async () => {
    const el = await renderWithReact({ maxFileSize: '1 KB', maxFiles: 3, multiple: true });
    for (const [name, value] of [
      ['maxFileSize', 'lots'],
      ['maxFiles', '2.5'],
      ['concurrency', 0],
      ['partSize', Number.NaN],
      ['pauseGrace', '5 s'],
      ['pauseGrace', -1],
      ['flightTime', '10 s'],
    ] as const) {
      let thrown: unknown;
      try {
        (el as unknown as Record<string, unknown>)[name] = value;
      } catch (error) {
        thrown = error;
      }
      expect(isS3UploadElementError(thrown), `${name} = ${String(value)}`).toBe(true);
      expect((thrown as Error).message).toContain(name);
      expect((thrown as Error).message).toContain(String(value));
    }
    expect(el.maxFileSize).toBe(1000);
    expect(el.maxFiles).toBe(3);
  });

  it('an attribute it cannot read is logged and keeps the previous limit', async () => {
    const el = await renderWithReact({ maxFileSize: '1 KB' });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      el.setAttribute('max-file-size', 'lots');
      expect(el.maxFileSize).toBe(1000);
      expect(String(logged.mock.calls[0]?.[0])).toContain('max-file-size="lots"');
    } finally {
      logged.mockRestore();
    }
    el.setAttribute('max-file-size', '2 kB');
    expect(el.maxFileSize).toBe(2000);
  });
});

describe('switches set the React (and Vue, Svelte) way', () => {
  it('auto="false" as a property is off: the file waits for the Upload button, which stores it', async () => {
    const el = await renderWithReact({
      endpoint: `${tokenServer.url}/credentials`,
      auto: 'false',
      receipts: 'false',
      unloadGuard: 'false',
    });
    expect([el.auto, el.receipts, el.unloadGuard]).toEqual([false, false, false]);
    const token = await signedIn(el);
    const source = file('waits.bin', 3000);
    const stored = new Promise<string>((resolve) =>
      el.addEventListener('s3-upload-succeeded', (e) => resolve(e.detail.key), { once: true }),
    );
    el.addFiles([source]);
    await expect.poll(() => rows(el).length).toBe(1);
    await el.updateComplete;
    expect(statusOfRow(el, 'waits.bin')).toBe('queued');
    $(el, '[part~="start-button"]').click();
    expect(await digest(await readBack(await stored, token))).toBe(await digest(source));
  });

  it('"true", true and no value are on, like the attribute; false and "false" are off', async () => {
    const el = await renderWithReact({});
    expect([el.auto, el.receipts, el.unloadGuard]).toEqual([true, true, true]);
    for (const [value, on] of [
      ['false', false],
      ['true', true],
      [false, false],
      [undefined, true],
      [true, true],
      [null, true],
    ] as const) {
      el.auto = value;
      el.receipts = value;
      el.unloadGuard = value;
      expect([el.auto, el.receipts, el.unloadGuard], `set to ${String(value)}`).toEqual([on, on, on]);
    }
    el.setAttribute('auto', 'false');
    expect(el.auto).toBe(false);
    el.removeAttribute('auto');
    expect(el.auto).toBe(true);
  });
});

describe('React 19 events', () => {
  it('ons3-upload-succeeded reaches React state', async () => {
    const keys: string[] = [];
    const el = await renderWithReact({
      endpoint: `${tokenServer.url}/credentials`,
      'ons3-upload-succeeded': (e: CustomEvent<{ key: string }>) => keys.push(e.detail.key),
    });
    const token = await signedIn(el);
    const source = file('react.bin', 4000);
    el.addFiles([source]);
    await expect.poll(() => keys.length, { timeout: 20_000 }).toBe(1);
    expect(await digest(await readBack(keys[0]!, token))).toBe(await digest(source));
  });
});
