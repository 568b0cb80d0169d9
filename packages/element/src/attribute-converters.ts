// How the element reads its attributes. An attribute cannot throw to its author, so an
// unreadable value is logged with the attribute's name and the form it expects.
import type { ComplexAttributeConverter } from 'lit';
import { parseByteSize } from './byte-size.js';

/** `max-file-size`, `part-size`: bytes or a number with a unit (`"20 MB"`, `"5 MiB"`). */
export function sizeAttribute(attribute: string): ComplexAttributeConverter<number | undefined> {
  return {
    fromAttribute(value: string | null): number | undefined {
      if (value === null || value.trim() === '') return undefined;
      try {
        return parseByteSize(value, attribute);
      } catch (error) {
        console.error(error);
        return undefined;
      }
    },
    toAttribute: (value: number | undefined) => (value === undefined ? null : String(value)),
  };
}

/** `max-files`, `concurrency`: a whole number of 1 or more. */
export function countAttribute(attribute: string): ComplexAttributeConverter<number | undefined> {
  return {
    fromAttribute(value: string | null): number | undefined {
      if (value === null || value.trim() === '') return undefined;
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) {
        console.error(`<s3-upload> ${attribute}="${value}" must be a whole number of 1 or more; ignored.`);
        return undefined;
      }
      return n;
    },
  };
}

/** `auto`, `receipts`: on unless written `="false"` (a boolean attribute that defaults to on could not be turned off in markup). */
export const autoAttribute: ComplexAttributeConverter<boolean> = {
  fromAttribute: (value: string | null) => value !== 'false',
};
