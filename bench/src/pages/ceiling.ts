import { createPresigner } from './browser-presigner.js';
import { epochNow, fetchCredentials, nextFile } from './page-protocol.js';

// The browser ceiling: the least code that uploads a file in parts from a page. No SDK, no
// UI, no retries, no progress: presigned (WebCrypto, query-string SigV4) XHR PUTs of Blob
// slices, `concurrency` in flight. Whatever this reaches is what Chromium's own upload path
// allows on this machine; the Node limit is what the backend takes without a browser.

function put(url: string, body: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.onload = () => {
      const etag = xhr.getResponseHeader('ETag');
      if (xhr.status === 200 && etag) resolve(etag);
      else reject(new Error(`UploadPart answered ${xhr.status}${etag ? '' : ' without an exposed ETag'}`));
    };
    xhr.onerror = () => reject(new Error('UploadPart: network error'));
    xhr.send(body);
  });
}

async function post(url: string, body?: string): Promise<string> {
  const response = await fetch(url, { method: 'POST', body });
  const text = await response.text();
  if (!response.ok || text.includes('<Error>')) throw new Error(`${response.status}: ${text.slice(0, 200)}`);
  return text;
}

window.benchUpload = async ({ key, partSize, concurrency }) => {
  const { file, addedAt: startedAt } = await nextFile();
  const credentials = await fetchCredentials();
  const presign = createPresigner(credentials);
  const created = await post((await presign({ method: 'POST', key })).url);
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created)?.[1];
  if (!uploadId) throw new Error(`CreateMultipartUpload answered no UploadId: ${created.slice(0, 200)}`);
  const count = Math.max(1, Math.ceil(file.size / partSize));
  const etags: string[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const { url } = await presign({ method: 'PUT', key, uploadId, partNumber: index + 1 });
      etags[index] = await put(
        url,
        file.slice(index * partSize, Math.min(file.size, (index + 1) * partSize)),
      );
      window.benchProgress = Math.min(file.size, (index + 1) * partSize);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const parts = etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`);
  await post(
    (await presign({ method: 'POST', key, uploadId })).url,
    `<CompleteMultipartUpload>${parts.join('')}</CompleteMultipartUpload>`,
  );
  return { startedAt, finishedAt: epochNow(), bytes: file.size, key };
};
