// The texts of the element's first render: the hint under the browse button. Apart from the
// rest of texts.ts, which loads with the file list (issue 21: the first render stays small).
import { formatBytes } from '../intl-units.js';
import type { Messages } from './catalog.js';

/** The limits a refusal or the hint talks about, as the element is configured. */
export interface LimitsInWords {
  accept: string | undefined;
  maxFileSize: number | undefined;
  maxFiles: number | undefined;
  multiple: boolean;
}

/** The restrictions under the browse button: "Accepted: image/* · Up to 20 MB each". */
export function hintText(m: Messages, limits: LimitsInWords): string {
  const parts: string[] = [];
  if (limits.accept) parts.push(m.text('accepted', { accept: limits.accept }));
  if (limits.maxFileSize !== undefined) {
    parts.push(m.text('upToEach', { size: formatBytes(limits.maxFileSize, m.locale) }));
  }
  if (limits.multiple && limits.maxFiles !== undefined) {
    parts.push(m.text('atMostFiles', { count: limits.maxFiles }));
  }
  return parts.join(' · ');
}
