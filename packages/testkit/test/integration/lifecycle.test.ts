import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { type LocalS3, s3Client, startLocalS3, stopLocalS3 } from '../../src/index.js';

function pidsOf(local: LocalS3): number[] {
  const run = join(local.dir, 'run');
  return (
    readdirSync(run)
      // the script's own pid files (ceph also writes NAME.ceph.pid for the same daemons)
      .filter((f) => f.endsWith('.pid') && !f.endsWith('.ceph.pid'))
      .map((f) => Number(readFileSync(join(run, f), 'utf8').trim()))
  );
}

function alive(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s*Z/m.test(status);
  } catch {
    return false;
  }
}

describe('cluster lifecycle', () => {
  it('runs two clusters side by side without collision, and stop leaves nothing behind', async () => {
    const [a, b] = await Promise.all([startLocalS3(), startLocalS3()]);
    try {
      expect(a.endpoint).not.toBe(b.endpoint);
      expect(a.dir).not.toBe(b.dir);
      const key = `users/alice/only-in-a-${Date.now()}.txt`;
      await s3Client(a, a.service).send(new PutObjectCommand({ Bucket: a.bucket, Key: key, Body: 'a' }));
      const inB = s3Client(b, b.service).send(new HeadObjectCommand({ Bucket: b.bucket, Key: key }));
      await expect(inB).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
      const pids = [...pidsOf(a), ...pidsOf(b)];
      expect(pids).toHaveLength(6);
      expect(pids.every(alive)).toBe(true);
      await stopLocalS3(a);
      expect(existsSync(a.dir)).toBe(false);
      expect(pidsOf(b).every(alive)).toBe(true);
      await stopLocalS3(b);
      expect(existsSync(b.dir)).toBe(false);
      await new Promise((r) => setTimeout(r, 500));
      expect(pids.filter(alive)).toEqual([]);
    } finally {
      await Promise.all([stopLocalS3(a), stopLocalS3(b)]);
    }
  });
});
