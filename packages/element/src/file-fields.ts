// Per-file fields (`fields`) and the rename field of pasted files: what each row asks for
// before its upload starts, their checks (required, maxLength, S3's 2 KB of metadata, the
// app's own `validateFields`), and the form inside the row. The values reach the engine
// as metadata (`x-amz-meta-<name>`) when the upload starts.
import { displayName, METADATA_NAME, metadataSize, pastedFileName } from '@s3up/contract';
import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { type FileEntry, statusOf } from './file-entry.js';
import type { Messages } from './messages/catalog.js';

/** One field a row asks for. */
export interface FieldSpec {
  /** Stored as `x-amz-meta-<name>`: lowercase letters, digits and `-`. */
  name: string;
  /** What the user reads; default: the element's own words for `title` and `description`, else `name`. */
  label?: string;
  required?: boolean;
  /** In characters. */
  maxLength?: number;
  /** A text area instead of one line; default true for `description`. */
  multiline?: boolean;
}

/** The app's own check: field name -> message, for the fields it finds wrong (nothing when all are right). */
export type FieldsValidator = (
  values: Readonly<Record<string, string>>,
  file: File,
) => Record<string, string> | undefined | null;

/** The fields from the attribute (`fields="title description"`) or the property (specs). */
export function parseFields(value: string | readonly FieldSpec[] | undefined | null): FieldSpec[] {
  if (!value) return [];
  const specs =
    typeof value === 'string'
      ? value
          .split(/[\s,]+/)
          .filter(Boolean)
          .map((token) =>
            token.endsWith('*') ? { name: token.slice(0, -1), required: true } : { name: token },
          )
      : [...value];
  for (const spec of specs)
    if (!METADATA_NAME.test(spec.name))
      throw new TypeError(
        `<s3-upload> fields: "${spec.name}" cannot be a metadata name (x-amz-meta-<name>): use lowercase letters, digits and "-".`,
      );
  return specs;
}

/** What a row's form holds: the values typed, the name of a pasted file, and the messages shown. */
export interface RowForm {
  values: Record<string, string>;
  /** Set for pasted files: the name the user may change before upload. */
  name?: string;
  errors: Record<string, string>;
  /** Upload was pressed and the values passed: they go to the task as soon as it exists. */
  confirmed?: boolean;
}

export function labelOf(spec: FieldSpec, m: Messages): string {
  if (spec.label) return spec.label;
  if (spec.name === 'title') return m.text('fieldTitle');
  if (spec.name === 'description') return m.text('fieldDescription');
  return spec.name;
}

/**
 * Checks a row's form; returns the messages by field (`name` for the file name), empty when
 * all is right. Order: required, maxLength, the app's check, then S3's 2 KB on them all.
 */
export function checkRow(
  form: RowForm,
  specs: readonly FieldSpec[],
  file: File,
  m: Messages,
  validate: FieldsValidator | undefined,
): Record<string, string> {
  const errors: Record<string, string> = {};
  if (form.name !== undefined && form.name.trim() === '')
    errors.name = m.text('fieldRequired', { label: m.text('fieldFileName') });
  for (const spec of specs) {
    const value = form.values[spec.name] ?? '';
    const label = labelOf(spec, m);
    if (spec.required && value.trim() === '') errors[spec.name] = m.text('fieldRequired', { label });
    else if (spec.maxLength !== undefined && [...value].length > spec.maxLength)
      errors[spec.name] = m.text('fieldTooLong', { label, max: spec.maxLength });
  }
  const own = validate?.({ ...form.values }, file) ?? {};
  for (const [name, message] of Object.entries(own)) if (message && !errors[name]) errors[name] = message;
  const size = metadataSize(valuesToSend(form.values));
  if (size.over && !errors[size.over.field]) {
    const spec = specs.find((s) => s.name === size.over!.field);
    errors[size.over.field] = m.text('metadataTooLarge', {
      label: spec ? labelOf(spec, m) : size.over.field,
      count: size.over.characters,
    });
  }
  return errors;
}

/** The values the engine gets: blank ones left out. */
export function valuesToSend(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
}

const fileKeys = new WeakMap<Blob, number>();
let nextKey = 0;

/**
 * A field's element id: by file, not by row id, which changes when the file reaches the
 * engine (a waiting row becomes its task's row) while the user may be typing in it.
 */
export function fieldId(file: Blob, field: string): string {
  let key = fileKeys.get(file);
  if (key === undefined) {
    key = ++nextKey;
    fileKeys.set(file, key);
  }
  return `field-${key}-${field}`;
}

/** What the form template reports back. */
export interface FieldsCallbacks {
  onInput(entry: FileEntry, field: string, value: string): void;
}

/**
 * The row's form: a group labelled "Details for photo.jpg", one labelled input per field
 * (text areas for descriptions), each error tied to its input (`aria-invalid`,
 * `aria-describedby`) and shown under it.
 */
export function fieldsTemplate(
  entry: FileEntry,
  form: RowForm,
  specs: readonly FieldSpec[],
  m: Messages,
  disabled: boolean,
  callbacks: FieldsCallbacks,
) {
  if (specs.length === 0 && form.name === undefined) return nothing;
  const id = (field: string) => fieldId(entry.file, field);
  const control = (field: string, label: string, value: string, spec?: FieldSpec) => {
    const error = form.errors[field];
    const multiline = spec?.multiline ?? spec?.name === 'description';
    const onInput = (event: Event) =>
      callbacks.onInput(entry, field, (event.target as HTMLInputElement | HTMLTextAreaElement).value);
    return html`<div class="field">
      <label part="field-label" for=${id(field)}>${label}${spec?.required ? html`<span aria-hidden="true"> *</span>` : nothing}</label>
      ${
        multiline
          ? html`<textarea
            part="field-input"
            id=${id(field)}
            name=${field}
            rows="2"
            .value=${live(value)}
            ?required=${spec?.required === true}
            ?disabled=${disabled}
            aria-invalid=${error ? 'true' : 'false'}
            aria-describedby=${error ? `${id(field)}-error` : nothing}
            @input=${onInput}
          ></textarea>`
          : html`<input
            part="field-input"
            id=${id(field)}
            name=${field}
            type="text"
            autocomplete="off"
            .value=${live(value)}
            ?required=${spec?.required === true}
            ?disabled=${disabled}
            aria-invalid=${error ? 'true' : 'false'}
            aria-describedby=${error ? `${id(field)}-error` : nothing}
            @input=${onInput}
          />`
      }
      ${error ? html`<span part="field-error" class="field-error" id="${id(field)}-error">${error}</span>` : nothing}
    </div>`;
  };
  return html`<div part="fields" class="fields" role="group" aria-label=${m.text('detailsFor', { name: entry.path })}>
    ${form.name !== undefined ? control('name', m.text('fieldFileName'), form.name) : nothing}
    ${specs.map((spec) => control(spec.name, labelOf(spec, m), form.values[spec.name] ?? '', spec))}
  </div>`;
}

/** What the forms read from the element. */
export interface FieldsHost {
  fields: string | readonly FieldSpec[] | undefined;
  validateFields: FieldsValidator | undefined;
  fieldValues: ((file: File) => Record<string, string> | undefined) | undefined;
}

/**
 * Pasted images all come as `image.png`: each gets "Pasted image <date time>.png", unique
 * among `taken` (the list's paths) and each other.
 */
export function namePasted(files: readonly File[], taken: readonly string[]): File[] {
  const names = new Set(taken);
  const now = new Date();
  return files.map((file) => {
    if (!isGenericPasteName(file.name)) return file;
    const name = pastedFileName(file.type, now, names);
    names.add(name);
    return new File([file], name, { type: file.type, lastModified: file.lastModified });
  });
}

/** Clipboard images all arrive as `image.png` (or with no name): those get a dated, unique one. */
export function isGenericPasteName(name: string): boolean {
  return name === '' || /^image\.(png|jpe?g|gif|webp|bmp|tiff?)$/i.test(name);
}

/**
 * The rows' forms, by file (a row's id changes when its file reaches the engine; its file
 * does not): opened when a file is listed (with the app's defaults from `fieldValues`),
 * checked when Upload is pressed, handed to the engine and closed when the upload starts.
 */
export class RowForms {
  readonly #forms = new Map<Blob, RowForm>();
  readonly #host: FieldsHost;
  #specsOf: unknown;
  #specs: FieldSpec[] = [];

  constructor(host: FieldsHost) {
    this.#host = host;
  }

  /** The fields each row asks for (parsed once per value of `fields`). */
  get specs(): FieldSpec[] {
    if (this.#specsOf !== this.#host.fields) {
      this.#specs = parseFields(this.#host.fields);
      this.#specsOf = this.#host.fields;
    }
    return this.#specs;
  }

  /** Some row still asks the user (its Upload has not been pressed). */
  get asking(): boolean {
    for (const form of this.#forms.values()) if (!form.confirmed) return true;
    return false;
  }

  /**
   * Checks the forms of the queued rows (the Upload button): rows whose fields need fixing
   * show why (a new version); returns the first of them, or undefined when all may start.
   */
  checkQueued(entries: readonly FileEntry[], m: Messages): FileEntry | undefined {
    let invalid: FileEntry | undefined;
    for (const entry of entries) {
      const form = this.get(entry.file);
      if (!form || statusOf(entry) !== 'queued') continue;
      if (this.check(entry.file, m)) entry.version += 1;
      if (Object.keys(form.errors).length > 0) invalid ??= entry;
    }
    return invalid;
  }

  /** A confirmed row's values go to its task (metadata, a new name) and its form closes. */
  apply(entry: FileEntry): void {
    const form = this.get(entry.file);
    if (!form?.confirmed || !entry.task || !entry.uploader || statusOf(entry) !== 'queued') return;
    entry.uploader.setMetadata(entry.task.id, valuesToSend(form.values));
    if (form.name !== undefined && displayName(form.name) !== entry.task.name) {
      entry.uploader.rename(entry.task.id, form.name);
      (entry as { path: string }).path = entry.task.name;
    }
    this.close(entry.file);
    entry.version += 1;
  }

  /** Opens a row's form when it asks for something: fields, or a pasted file's name (when uploads wait). */
  open(file: File, renamable: boolean): RowForm | undefined {
    if (this.specs.length === 0 && !renamable) return undefined;
    const form: RowForm = {
      values: { ...(this.#host.fieldValues?.(file) ?? {}) },
      ...(renamable ? { name: file.name } : {}),
      errors: {},
    };
    this.#forms.set(file, form);
    return form;
  }

  get(file: Blob): RowForm | undefined {
    return this.#forms.get(file);
  }

  close(file: Blob): void {
    this.#forms.delete(file);
  }

  confirmAll(): void {
    for (const form of this.#forms.values()) form.confirmed = true;
  }

  /** Whether a row passes its checks as it is (nothing shown). */
  complete(file: File, m: Messages): boolean {
    const form = this.#forms.get(file);
    return !form || Object.keys(checkRow(form, this.specs, file, m, this.#host.validateFields)).length === 0;
  }

  /** Checks one row; true when its messages changed (the row must redraw). */
  check(file: Blob, m: Messages): boolean {
    const form = this.#forms.get(file);
    if (!form) return false;
    const errors = checkRow(form, this.specs, file as File, m, this.#host.validateFields);
    const changed = JSON.stringify(errors) !== JSON.stringify(form.errors);
    form.errors = errors;
    return changed;
  }

  /** A value typed: kept, and the row re-checked live once it has shown a message. */
  input(file: Blob, field: string, value: string, m: Messages): boolean {
    const form = this.#forms.get(file);
    if (!form) return false;
    if (field === 'name' && form.name !== undefined) form.name = value;
    else form.values[field] = value;
    return Object.keys(form.errors).length > 0 ? this.check(file, m) : false;
  }
}

/** Moves the focus to the first field of a row that needs fixing (after Upload was refused). */
export function focusFirstInvalid(root: ParentNode, entry: FileEntry, forms: RowForms): void {
  const errors = forms.get(entry.file)?.errors ?? {};
  const field = ['name', ...forms.specs.map((s) => s.name)].find((f) => errors[f]);
  if (field) root.querySelector<HTMLElement>(`#${CSS.escape(fieldId(entry.file, field))}`)?.focus();
}
