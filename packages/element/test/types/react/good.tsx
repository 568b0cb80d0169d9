// Written as a React 19 app writes it; tsc must accept every line (test/unit/framework-types.test.ts).

import type { S3Upload } from '@s3up/element';
import type {} from '@s3up/element/react';
import { useRef, useState } from 'react';

export function Uploads({ token }: { token: string }) {
  const [keys, setKeys] = useState<readonly string[]>([]);
  const ref = useRef<S3Upload>(null);
  return (
    <form>
      <s3-upload
        ref={ref}
        name="photos"
        endpoint="/api/s3up/credentials"
        accept="image/*"
        maxFileSize="20 MB"
        maxFiles={5}
        partSize={8 * 1024 * 1024}
        concurrency="2"
        max-file-size="1 KB"
        multiple
        auto={false}
        theme="dark"
        locale="fr"
        className="uploader"
        credentialsRequest={(init) => ({ ...init, headers: { authorization: `Bearer ${token}` } })}
        keyFor={(file, { prefix, id }) => `${prefix}${id}/${file.name}`}
        messages={{ browseFiles: 'Add photos' }}
        ons3-upload-succeeded={(event) => setKeys((k) => [...k, event.detail.key])}
        ons3-upload-progress={(event) => console.log(event.detail.task.bytesUploaded)}
        ons3-change={(event) => setKeys(event.detail.value)}
      >
        <span slot="label">Drop photos</span>
      </s3-upload>
      <output>{keys.join(', ')}</output>
    </form>
  );
}
