import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultResumeFile, FileResumeStore } from '../../src/file-resume-store.js';

const record = {
  fingerprint: 's3up-v1|a.bin|10|1|',
  bucket: 'uploads',
  key: 'users/alice/a.bin',
  uploadId: 'UPLOAD-1',
  partSize: 5 * 1024 * 1024,
  created: 1_700_000_000_000,
};
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3up-resume-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileResumeStore', () => {
  it('keeps records across instances (processes), and forgets deleted ones', async () => {
    const path = join(dir, 'nested', 'uploads.json');
    const writes = new FileResumeStore(path);
    await Promise.all([writes.set(record), writes.set({ ...record, fingerprint: 'other', uploadId: 'U2' })]);
    expect(await new FileResumeStore(path).get(record.fingerprint)).toEqual(record);
    await writes.delete('other');
    expect((await new FileResumeStore(path).list()).map((r) => r.uploadId)).toEqual(['UPLOAD-1']);
    expect(await readFile(path, 'utf8')).not.toMatch(/secret|token/i);
  });

  it('treats an unreadable file or a malformed record as nothing to resume', async () => {
    const path = join(dir, 'uploads.json');
    await writeFile(path, '{ not json');
    expect(await new FileResumeStore(path).get(record.fingerprint)).toBeUndefined();
    await writeFile(path, JSON.stringify({ [record.fingerprint]: { ...record, uploadId: '' } }));
    expect(await new FileResumeStore(path).get(record.fingerprint)).toBeUndefined();
  });

  it('defaults to the XDG state directory', () => {
    expect(defaultResumeFile({ XDG_STATE_HOME: '/state' })).toBe('/state/s3up/uploads.json');
    expect(defaultResumeFile({ HOME: '/home/op' })).toBe('/home/op/.local/state/s3up/uploads.json');
  });
});
