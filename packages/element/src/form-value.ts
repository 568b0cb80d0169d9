import type { Messages } from './messages/catalog.js';

/** What the form sees of the element. */
export interface FormState {
  /** The form field name; no name, no value submitted. */
  name: string | undefined;
  /** The uploaded keys. */
  keys: readonly string[];
  required: boolean;
  /** Uploads are queued or running. */
  pending: boolean;
  /** The texts, asked only when a validation message is set. */
  messages: () => Messages;
  /** Where the browser shows the validation message. */
  anchor: HTMLElement | undefined;
}

/**
 * The element's form value and validity: each uploaded key is one value of `name`; invalid
 * (`valueMissing`) while `required` and nothing is uploaded, and (`customError`) while
 * uploads run, because a form sent mid-upload would carry only the files that happen to be done.
 */
export function syncFormValue(internals: ElementInternals, state: FormState): void {
  const { name, keys, required, pending, messages, anchor } = state;
  if (name && keys.length > 0) {
    const data = new FormData();
    for (const key of keys) data.append(name, key);
    internals.setFormValue(data, keys.join('\n'));
  } else {
    internals.setFormValue(null);
  }
  if (required && keys.length === 0 && !pending) {
    internals.setValidity({ valueMissing: true }, messages().text('requiredMessage'), anchor);
  } else if (pending) {
    internals.setValidity({ customError: true }, messages().text('waitMessage'), anchor);
  } else {
    internals.setValidity({});
  }
}
