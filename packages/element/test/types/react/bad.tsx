// Each marked line must fail tsc with a message containing the text after "expect-error:"
// (test/unit/framework-types.test.ts); any other error fails the test too.
import type {} from '@s3up/element/react';

export const misspelledProperty = (
  // expect-error: maxFileSise
  <s3-upload endpoint="/c" maxFileSise="20 MB" />
);
export const wrongPropertyType = (
  // expect-error: boolean
  <s3-upload endpoint="/c" multiple="yes" />
);
export const wrongTheme = (
  // expect-error: blue
  <s3-upload endpoint="/c" theme="blue" />
);
export const wrongHandler = (
  // expect-error: ons3-upload-succeeded
  <s3-upload endpoint="/c" ons3-upload-succeeded={(event: KeyboardEvent) => event.key} />
);
export const wrongDetail = (
  // expect-error: keys
  <s3-upload endpoint="/c" ons3-upload-succeeded={(event) => event.detail.keys} />
);
