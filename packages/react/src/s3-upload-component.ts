import { createComponent, type EventName } from '@lit/react';
import {
  type CredentialsRequestHook,
  type KeyForHook,
  type MessageOverrides,
  S3Upload as S3UploadElement,
} from '@s3up/element';
import type * as ReactModule from 'react';
import { eventProps, type S3UploadEventHandlers } from './events.js';

/**
 * The props of `<S3Upload>`: the element's properties (same names and defaults, see the
 * element's README), its events as camelCase handler props, and the host attributes React
 * passes on (`id`, `className`, `style`, `aria-*`, `data-*`). `children` fill the element's
 * slots (`<span slot="label">`).
 */
export interface S3UploadProps
  extends Omit<ReactModule.HTMLAttributes<S3UploadElement>, keyof S3UploadEventHandlers>,
    S3UploadEventHandlers {
  /** The token server's credentials URL, e.g. `/api/s3up/credentials`. */
  endpoint?: string | undefined;
  /** Accepted types, as `<input accept>`: `image/*,.pdf`. */
  accept?: string | undefined;
  /** Largest file: bytes, or text with a unit as the attribute takes (`"20 MB"`). */
  maxFileSize?: number | string | undefined;
  /** Most files in the list: a number or `"50"`. */
  maxFiles?: number | string | undefined;
  multiple?: boolean | undefined;
  directory?: boolean | undefined;
  /** Start uploading when files are added. Default true. */
  auto?: boolean | undefined;
  /** Report each stored file to the token server (`POST /uploads`). Default true. */
  receipts?: boolean | undefined;
  /** Ask before closing the page while uploads run. Default true. */
  unloadGuard?: boolean | undefined;
  /** Requests in flight across all files: a number or `"2"`. */
  concurrency?: number | string | undefined;
  /** Multipart part size: bytes or text with a unit (min 5 MiB). */
  partSize?: number | string | undefined;
  disabled?: boolean | undefined;
  /** The form field name: each uploaded key is submitted as one value of it. */
  name?: string | undefined;
  /** The form is invalid until at least one upload succeeded. */
  required?: boolean | undefined;
  locale?: string | undefined;
  theme?: 'auto' | 'light' | 'dark' | undefined;
  /** Adjusts the credentials request, e.g. adds `Authorization`. */
  credentialsRequest?: CredentialsRequestHook | undefined;
  /** Custom object keys; each must start with `ctx.prefix`. */
  keyFor?: KeyForHook | undefined;
  /** Replacement texts by message id, e.g. `{ browseFiles: 'Add photos' }`. */
  messages?: MessageOverrides | undefined;
  /**
   * The uploaded object keys: pass it with `onChange` for a controlled value. The element
   * reports each change (an upload stored, the user removed a row) through `onChange`;
   * passing a value narrows the list to those keys (stored files whose key is left out are
   * taken off; their objects stay in the bucket), and `[]` empties it like a form reset.
   * Keys the element did not upload itself are ignored. Leave it out for an uncontrolled
   * element (read `ref.current.value`).
   */
  value?: readonly string[] | undefined;
}

/** `<S3Upload>`: a React component whose ref is the `<s3-upload>` element. */
export type S3UploadComponent = ReactModule.ForwardRefExoticComponent<
  S3UploadProps & ReactModule.RefAttributes<S3UploadElement>
>;

/**
 * Makes the `<S3Upload>` component with a given React module. `@s3up/react`'s own
 * `S3Upload` is this with the app's `react`; call it yourself only when a page holds
 * two copies of React.
 */
export function createS3Upload(react: typeof ReactModule): S3UploadComponent {
  const component = createComponent({
    react,
    tagName: 's3-upload',
    elementClass: S3UploadElement,
    events: eventProps as { [P in keyof typeof eventProps]: EventName },
    displayName: 'S3Upload',
  });
  // @lit/react types each prop as the element's getter type; the numeric properties also
  // accept text (as their attributes do), and `value` takes a readonly list: the props
  // interface above says what the element really accepts.
  return component as unknown as S3UploadComponent;
}
