// Written as a Solid app writes it; tsc must accept every line (test/unit/framework-types.test.ts).

import type { S3Upload } from '@s3up/element';
import type {} from '@s3up/element/solid';
import { createSignal } from 'solid-js';

export function Uploads(props: { token: string }) {
  const [keys, setKeys] = createSignal<readonly string[]>([]);
  let upload: S3Upload | undefined;
  return (
    <form>
      <s3-upload
        ref={upload}
        name="photos"
        endpoint="/api/s3up/credentials"
        accept="image/*"
        maxFileSize="20 MB"
        maxFiles={5}
        concurrency="2"
        part-size="5 MiB"
        multiple
        auto={false}
        theme="light"
        class="uploader"
        credentialsRequest={(init) => ({ ...init, headers: { authorization: `Bearer ${props.token}` } })}
        on:s3-upload-succeeded={(event) => setKeys((k) => [...k, event.detail.key])}
        on:s3-change={(event) => setKeys(event.detail.value)}
      >
        <span slot="label">Drop photos</span>
      </s3-upload>
      <output>{keys().join(', ')}</output>
    </form>
  );
}
