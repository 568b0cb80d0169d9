import { afterEach, describe, expect, it } from 'vitest';
import { digest, file, mount, readBack, rows, statusOfRow } from './fixture.js';

afterEach(() => {
  document.body.replaceChildren();
});

function form(): HTMLFormElement {
  const f = document.createElement('form');
  f.innerHTML = '<input name="title" value="Holiday"><button>Post</button>';
  document.body.append(f);
  return f;
}

describe('form integration', () => {
  it('a required element blocks submit until an upload succeeds; the submit carries the keys', async () => {
    const f = form();
    const { el, token } = await mount({ name: 'photos', required: true, multiple: true }, f);
    expect(el.checkValidity()).toBe(false);
    expect(el.validity.valueMissing).toBe(true);
    expect(el.validationMessage).toBe('Upload at least one file.');
    expect(f.checkValidity()).toBe(false);

    const submitted: FormData[] = [];
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      submitted.push(new FormData(f, (e as SubmitEvent).submitter));
    });
    // A submit the user attempts now is blocked by the browser's validation.
    f.requestSubmit();
    expect(submitted).toHaveLength(0);

    const a = file('a.bin', 1234);
    const b = file('b.bin', 4321);
    el.addFiles([a, b]);
    // While uploads run the form is not valid either: it would carry only part of them.
    expect(el.validity.customError || el.validity.valueMissing).toBe(true);
    await expect
      .poll(() => rows(el).map((r) => r.dataset.status), { timeout: 20_000 })
      .toEqual(['succeeded', 'succeeded']);
    await expect.poll(() => el.checkValidity()).toBe(true);

    f.requestSubmit();
    expect(submitted).toHaveLength(1);
    const keys = submitted[0]!.getAll('photos');
    expect(keys).toEqual(el.value);
    expect(submitted[0]!.get('title')).toBe('Holiday');
    // The submitted keys are the real objects.
    expect(await digest(await readBack(keys[0] as string, token))).toBe(await digest(a));
    expect(await digest(await readBack(keys[1] as string, token))).toBe(await digest(b));
  });

  it("the form's reset empties the list and the value, without events", async () => {
    const f = form();
    const { el } = await mount({ name: 'photos', required: true }, f);
    const events: string[] = [];
    for (const type of ['s3-change', 's3-file-removed'] as const)
      el.addEventListener(type, () => events.push(type));
    el.addFiles([file('x.bin', 100)]);
    await expect.poll(() => statusOfRow(el, 'x.bin'), { timeout: 20_000 }).toBe('succeeded');
    expect(events).toEqual(['s3-change']);
    expect(new FormData(f).getAll('photos')).toHaveLength(1);
    f.reset();
    await el.updateComplete;
    await expect.poll(() => rows(el).length).toBe(0);
    expect(el.value).toEqual([]);
    expect(new FormData(f).getAll('photos')).toEqual([]);
    expect(el.validity.valueMissing).toBe(true);
    expect(events).toEqual(['s3-change']);
  });

  it('setting value (a controlled value) narrows the list to those keys, [] empties it; no events, unknown keys ignored', async () => {
    const f = form();
    const { el } = await mount({ name: 'photos', multiple: true }, f);
    const events: string[] = [];
    for (const type of ['s3-change', 's3-file-removed'] as const)
      el.addEventListener(type, () => events.push(type));
    el.addFiles([file('a.bin', 300), file('b.bin', 400)]);
    await expect
      .poll(() => rows(el).map((r) => r.dataset.status), { timeout: 20_000 })
      .toEqual(['succeeded', 'succeeded']);
    const [a, b] = el.value as [string, string];
    events.length = 0;
    // The same value again (a re-render) changes nothing.
    el.value = [a, b];
    expect(rows(el)).toHaveLength(2);
    // Dropping b's key takes b's row off and out of the form; a key never uploaded here is ignored.
    el.value = [a, 'users/someone-else/x.bin'];
    expect(el.value).toEqual([a]);
    await expect
      .poll(() => rows(el).map((r) => r.querySelector('[part="name"]')?.textContent))
      .toEqual(['a.bin']);
    expect(new FormData(f).getAll('photos')).toEqual([a]);
    el.value = [];
    await expect.poll(() => rows(el)).toHaveLength(0);
    expect(new FormData(f).getAll('photos')).toEqual([]);
    expect(events).toEqual([]);
  });

  it('a disabled fieldset disables the element; setting properties fires no events', async () => {
    const f = form();
    const fieldset = document.createElement('fieldset');
    f.append(fieldset);
    const { el } = await mount({ name: 'photos' }, fieldset);
    let fired = 0;
    for (const type of ['s3-change', 's3-files-added', 's3-file-removed'] as const) {
      el.addEventListener(type, () => fired++);
    }
    el.name = 'other';
    el.multiple = true;
    el.accept = 'image/*';
    fieldset.disabled = true;
    await el.updateComplete;
    const browse = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="browse-button"]')!;
    expect(browse.disabled).toBe(true);
    expect(fired).toBe(0);
  });
});
