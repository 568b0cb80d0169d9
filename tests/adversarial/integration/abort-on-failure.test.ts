import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { engineFor, MiB, randomFile, settled } from '../support/engine-under-test.js';
import { FaultProxy, type SeenRequest } from '../support/fault-proxy.js';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// FINDINGS.md F5 (fixed): a part that fails for good, or a 403 on a part, aborts the
// multipart upload once the in-flight parts have settled, without the app asking.
const local = inject('localS3');
const run = randomBytes(4).toString('hex');
const partNumber = (r: SeenRequest) => Number(new URL(r.url, 'http://x').searchParams.get('partNumber'));

let s3: FaultProxy;
let server: TokenServerUnderTest;
beforeAll(async () => {
  s3 = await FaultProxy.start(local.endpoint);
  server = await TokenServerUnderTest.start(local, {
    server: { endpoint: s3.url, stsEndpoint: local.endpoint, scopes: ['upload', 'read'] },
  });
});
afterAll(async () => {
  await server?.close();
  await s3?.close();
});

describe('cases 17 and 18 a failed upload is aborted without the app asking', () => {
  it.each([
    ['a 403 on part 2', 403, 'AccessDenied'],
    ['a 500 on every attempt of part 2', 500, 'InternalError'],
  ])('%s: exactly one AbortMultipartUpload once the task has failed', async (_name, status, code) => {
    const from = s3.seen.length;
    s3.rule = (r) =>
      r.operation === 'UploadPart' && partNumber(r) === 2
        ? { status, body: `<Error><Code>${code}</Code><Message>injected</Message></Error>` }
        : undefined;
    const { uploader } = engineFor(server, `abort${status}${run}`);
    const task = await settled(uploader, uploader.add(randomFile(12 * MiB).file));
    expect(task.state).toBe('failed');
    // In-flight parts settle first, then the abort.
    await new Promise((r) => setTimeout(r, 1000));
    expect(s3.seen.slice(from).filter((c) => c.operation === 'AbortMultipartUpload')).toHaveLength(1);
    await uploader.destroy();
  });
});
