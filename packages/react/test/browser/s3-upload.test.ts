// @s3up/react with the real React 19 in Chromium, against the run's token server and the
// local backend: props reach the element, every event reaches its camelCase handler with
// the element's detail, and a controlled `value` drives a form.
import type { S3Upload as S3UploadElement } from '@s3up/element';
import { createElement as h, useState } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { eventProps, S3Upload, type S3UploadEvent, type S3UploadProps } from '../../src/index.js';
import { digest, endpoint, file, pick, readBack, rowButton, rowNames, rowOf, signIn } from './support.js';

const MiB = 1024 * 1024;
let root: Root | undefined;

afterEach(() => {
  root?.unmount();
  root = undefined;
  document.body.replaceChildren();
});

function mount(): HTMLElement {
  const host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  return host;
}

/** Renders `<S3Upload {...props}>` and returns the element its ref points to. */
async function render(props: S3UploadProps): Promise<S3UploadElement> {
  const host = root ? document.body.firstElementChild! : mount();
  let el: S3UploadElement | null = null;
  flushSync(() =>
    root!.render(
      h(S3Upload, {
        ...props,
        ref: (node: S3UploadElement | null) => {
          el = node;
        },
      }),
    ),
  );
  expect(el).toBe(host.querySelector('s3-upload'));
  await el!.updateComplete;
  return el!;
}

describe('<S3Upload> props', () => {
  it('reach the element as properties (numbers as text too), host attributes stay attributes, and removing one clears it', async () => {
    const { auth } = await signIn('react-props');
    const keyFor = (f: File, ctx: { prefix: string; id: string }) => `${ctx.prefix}${f.name}`;
    const el = await render({
      endpoint,
      accept: 'image/*',
      maxFileSize: '1 KB',
      maxFiles: '3',
      concurrency: '2',
      partSize: '5 MiB',
      multiple: true,
      auto: false,
      receipts: false,
      unloadGuard: false,
      name: 'photos',
      required: true,
      locale: 'fr',
      theme: 'dark',
      credentialsRequest: auth,
      keyFor,
      messages: { browseFiles: 'Ajouter des photos' },
      id: 'uploader',
      className: 'wide',
      'aria-describedby': 'help',
    });
    expect(el.endpoint).toBe(endpoint);
    expect(el.accept).toBe('image/*');
    expect(el.maxFileSize).toBe(1000);
    expect(el.maxFiles).toBe(3);
    expect(el.concurrency).toBe(2);
    expect(el.partSize).toBe(5 * MiB);
    expect([el.multiple, el.auto, el.receipts, el.unloadGuard, el.required]).toEqual([
      true,
      false,
      false,
      false,
      true,
    ]);
    expect([el.name, el.locale, el.theme]).toEqual(['photos', 'fr', 'dark']);
    expect(el.credentialsRequest).toBe(auth);
    expect(el.keyFor).toBe(keyFor);
    expect(el.shadowRoot!.querySelector('[part="browse-button"]')!.textContent?.trim()).toBe(
      'Ajouter des photos',
    );
    expect([el.id, el.className, el.getAttribute('aria-describedby')]).toEqual(['uploader', 'wide', 'help']);

    // A re-render with a new value updates the property; leaving a prop out clears it.
    const again = await render({ endpoint, maxFileSize: 2048, multiple: true });
    expect(again).toBe(el);
    expect(el.maxFileSize).toBe(2048);
    expect(el.maxFiles).toBeUndefined();
    expect(el.locale).toBeUndefined();
  });
});

describe('<S3Upload> events', () => {
  it('every event of the element reaches its camelCase handler, with the typed detail', async () => {
    const { auth, token } = await signIn('react-events');
    type Seen = { [P in keyof typeof eventProps]?: S3UploadEvent<(typeof eventProps)[P]>[] };
    const seen: Seen = {};
    const handlers: Partial<S3UploadProps> = {};
    for (const prop of Object.keys(eventProps) as (keyof typeof eventProps)[]) {
      (handlers as Record<string, (e: S3UploadEvent) => void>)[prop] = (e) => {
        const list = (seen as Record<string, S3UploadEvent[]>)[prop] ?? [];
        list.push(e);
        (seen as Record<string, S3UploadEvent[]>)[prop] = list;
      };
    }
    let el: S3UploadElement;
    const pausedOnce = { done: false, resumed: false, cancelled: false };
    el = await render({
      endpoint,
      credentialsRequest: auth,
      multiple: true,
      maxFileSize: '20 MiB',
      concurrency: 1,
      partSize: '5 MiB',
      ...handlers,
      // A user pausing at the first byte, resuming, then cancelling.
      onUploadProgress: (e) => {
        handlers.onUploadProgress!(e);
        if (e.detail.task.name !== 'long.bin' || e.detail.task.bytesUploaded === 0) return;
        if (!pausedOnce.done) {
          pausedOnce.done = true;
          rowButton(el, 'long.bin', 'pause').click();
        } else if (pausedOnce.resumed && !pausedOnce.cancelled) {
          pausedOnce.cancelled = true;
          rowButton(el, 'long.bin', 'cancel').click();
        }
      },
      onUploadPaused: (e) => {
        handlers.onUploadPaused!(e);
        pausedOnce.resumed = true;
        // The row shows its Resume button once it has rendered the paused state.
        const press = () => {
          const resume = rowOf(el, 'long.bin').querySelector<HTMLButtonElement>('[part~="resume-button"]');
          if (resume) resume.click();
          else requestAnimationFrame(press);
        };
        press();
      },
    });

    // A small file is stored; a file over maxFileSize is refused.
    const small = file('small.bin', 3000);
    pick(el, [small, file('huge.bin', 21 * MiB)]);
    await expect.poll(() => seen.onAllDone?.length ?? 0, { timeout: 20_000 }).toBe(1);
    expect(seen.onFilesAdded![0]!.detail.files.map((f) => f.name)).toEqual(['small.bin']);
    expect(seen.onFilesRejected![0]!.detail.rejected.map((r) => [r.file.name, r.code])).toEqual([
      ['huge.bin', 'too-large'],
    ]);
    expect(seen.onUploadStarted!.map((e) => e.detail.task.name)).toEqual(['small.bin']);
    expect(seen.onUploadProgress!.at(-1)!.detail.task.bytesUploaded).toBe(3000);
    const key = seen.onUploadSucceeded![0]!.detail.key;
    expect(key).toMatch(/^users\/react-events-[0-9a-f]{8}\/.*small\.bin$/);
    expect(seen.onChange![0]!.detail.value).toEqual([key]);
    expect(seen.onAllDone![0]!.detail).toMatchObject({ keys: [key], failed: 0, cancelled: 0 });
    expect(await digest(await readBack(key, token))).toBe(await digest(small));
    // The handler's event is the element's own, dispatched on it.
    expect(seen.onUploadSucceeded![0]!.target).toBe(el);

    // Pause, resume and cancel from the row's buttons, mid-upload.
    pick(el, [file('long.bin', 11 * MiB)]);
    await expect.poll(() => seen.onUploadCancelled?.length ?? 0, { timeout: 30_000 }).toBe(1);
    expect(seen.onUploadPaused![0]!.detail).toMatchObject({ reason: 'user' });
    expect(seen.onUploadResumed!.map((e) => e.detail.task.name)).toEqual(['long.bin']);
    expect(seen.onUploadCancelled![0]!.detail.task.name).toBe('long.bin');

    // The user removes the stored file's row.
    rowButton(el, 'small.bin', 'remove').click();
    await expect.poll(() => seen.onFileRemoved?.length ?? 0).toBe(1);
    expect(seen.onFileRemoved![0]!.detail).toMatchObject({ key });
    expect(seen.onChange!.at(-1)!.detail.value).toEqual([]);

    // A refused credentials request fails the upload.
    await render({
      ...handlers,
      endpoint,
      credentialsRequest: (init) => ({ ...init, headers: { authorization: 'Bearer nope' } }),
    });
    pick(el, [file('denied.bin', 100)]);
    await expect.poll(() => seen.onUploadFailed?.length ?? 0, { timeout: 20_000 }).toBe(1);
    expect(seen.onUploadFailed![0]!.detail.error.code).toBe('credentials');

    // Every event prop was exercised.
    expect(Object.keys(seen).sort()).toEqual(Object.keys(eventProps).sort());
  });

  it('a handler replaced on re-render is the one called; a removed handler is no longer called', async () => {
    const { auth } = await signIn('react-swap');
    const calls: string[] = [];
    let el = await render({
      endpoint,
      credentialsRequest: auth,
      multiple: true,
      onChange: () => calls.push('first'),
    });
    el = await render({
      endpoint,
      credentialsRequest: auth,
      multiple: true,
      onChange: () => calls.push('second'),
    });
    pick(el, [file('one.bin', 500)]);
    await expect.poll(() => calls).toEqual(['second']);
    await render({ endpoint, credentialsRequest: auth, multiple: true });
    // A row offers "remove" once its file is stored (before that it offers "cancel").
    await expect.poll(() => rowOf(el, 'one.bin').querySelector('[part~="remove-button"]')).not.toBeNull();
    rowButton(el, 'one.bin', 'remove').click();
    await expect.poll(() => rowNames(el)).toEqual([]);
    expect(calls).toEqual(['second']);
  });
});

/** A post form whose state holds the uploaded keys (a controlled value). */
let formElement: S3UploadElement | null = null;
function PostForm({ auth }: { auth: (init: RequestInit) => RequestInit }) {
  const [keys, setKeys] = useState<readonly string[]>([]);
  return h(
    'form',
    { id: 'post' },
    h(S3Upload, {
      ref: (node: S3UploadElement | null) => {
        formElement = node;
      },
      endpoint,
      credentialsRequest: auth,
      name: 'photos',
      multiple: true,
      value: keys,
      onChange: (e) => setKeys(e.detail.value),
    }),
    h(
      'ul',
      null,
      keys.map((k) => h('li', { key: k, 'data-key': k }, k)),
    ),
    h('button', { type: 'button', id: 'drop-first', onClick: () => setKeys(keys.slice(1)) }, 'Drop first'),
    h('button', { type: 'reset', id: 'reset', onClick: () => setKeys([]) }, 'Reset'),
  );
}

describe('<S3Upload> controlled value in a form', () => {
  it('state follows onChange, the form submits the keys, and setting state narrows or empties the element', async () => {
    const { auth, token } = await signIn('react-form');
    mount();
    flushSync(() => root!.render(h(PostForm, { auth })));
    const el = formElement!;
    await el.updateComplete;
    const a = file('a.bin', 700, 1);
    const b = file('b.bin', 900, 2);
    pick(el, [a, b]);
    const shown = () =>
      [...document.querySelectorAll('li[data-key]')].map((li) => li.getAttribute('data-key'));
    await expect.poll(() => shown().length, { timeout: 20_000 }).toBe(2);
    expect(shown()).toEqual(el.value);
    const form = document.querySelector<HTMLFormElement>('form#post')!;
    expect(new FormData(form).getAll('photos')).toEqual(el.value);
    const [keyA, keyB] = el.value as [string, string];
    expect(await digest(await readBack(keyA, token))).toBe(await digest(a));

    // The app drops the first key from its state: the element takes that row off.
    document.querySelector<HTMLButtonElement>('#drop-first')!.click();
    await expect.poll(() => rowNames(el)).toEqual(['b.bin']);
    expect(el.value).toEqual([keyB]);
    expect(new FormData(form).getAll('photos')).toEqual([keyB]);
    expect(shown()).toEqual([keyB]);

    // Reset: state and element both empty.
    document.querySelector<HTMLButtonElement>('#reset')!.click();
    await expect.poll(() => rowNames(el)).toEqual([]);
    expect(shown()).toEqual([]);
    expect(new FormData(form).getAll('photos')).toEqual([]);
  });
});
