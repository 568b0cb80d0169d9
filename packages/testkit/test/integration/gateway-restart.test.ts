import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateMultipartUploadCommand,
  GetBucketCorsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isLocalS3Up,
  killGateway,
  type LocalS3,
  restartGateway,
  restartLocalS3,
  s3Client,
  startGateway,
  startLocalS3,
  stopLocalS3,
  stsClient,
} from '../../src/index.js';

// Its own cluster: restarting the run's shared one would break every other test.
let local: LocalS3;
beforeAll(async () => {
  local = await startLocalS3();
}, 120_000);
afterAll(async () => {
  if (local) await stopLocalS3(local);
});

const pidOf = (name: string) => Number(readFileSync(join(local.dir, 'run', `${name}.pid`), 'utf8').trim());

describe('restartGateway: a radosgw crash and restart on a live cluster', () => {
  it('keeps objects, multipart uploads, the service keys and STS sessions; mon and OSD keep running', async () => {
    const owner = s3Client(local, local.service);
    const body = `before the crash ${Date.now()}`;
    await owner.send(new PutObjectCommand({ Bucket: local.bucket, Key: 'restart/before.txt', Body: body }));
    const { UploadId } = await owner.send(
      new CreateMultipartUploadCommand({ Bucket: local.bucket, Key: 'restart/multipart.bin' }),
    );
    await owner.send(
      new UploadPartCommand({
        Bucket: local.bucket,
        Key: 'restart/multipart.bin',
        UploadId,
        PartNumber: 1,
        Body: new Uint8Array(5 * 1024 * 1024).fill(7),
      }),
    );
    const { Credentials } = await stsClient(local, local.service).send(
      new AssumeRoleCommand({
        RoleArn: local.roleArn,
        RoleSessionName: 'before-restart',
        DurationSeconds: 900,
      }),
    );
    const [rgw, mon, osd] = [pidOf('rgw'), pidOf('mon.a'), pidOf('osd.0')];

    let upDuringOutage: boolean | undefined;
    await restartGateway(local, {
      downMs: 500,
      onDown: async () => {
        upDuringOutage = await isLocalS3Up(local);
      },
    });

    expect(upDuringOutage).toBe(false);
    expect(await isLocalS3Up(local)).toBe(true);
    expect(pidOf('rgw')).not.toBe(rgw);
    expect([pidOf('mon.a'), pidOf('osd.0')]).toEqual([mon, osd]);
    // A new client: the old one's pooled connections died with the gateway.
    const after = s3Client(local, local.service);
    const read = await after.send(new GetObjectCommand({ Bucket: local.bucket, Key: 'restart/before.txt' }));
    expect(await read.Body!.transformToString()).toBe(body);
    const parts = await after.send(
      new ListPartsCommand({ Bucket: local.bucket, Key: 'restart/multipart.bin', UploadId }),
    );
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[1, 5 * 1024 * 1024]]);
    await after.send(new PutObjectCommand({ Bucket: local.bucket, Key: 'restart/after.txt', Body: 'after' }));
    // A session issued before the crash still signs requests (the STS key is in ceph.conf).
    const session = s3Client(local, {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    });
    const viaSession = await session.send(
      new GetObjectCommand({ Bucket: local.bucket, Key: 'restart/after.txt' }),
    );
    expect(await viaSession.Body!.transformToString()).toBe('after');
  });

  it('killGateway and startGateway apart: down until started; a second start is refused', async () => {
    await killGateway(local);
    expect(await isLocalS3Up(local)).toBe(false);
    await killGateway(local); // nothing left to kill: harmless
    await startGateway(local);
    expect(await isLocalS3Up(local)).toBe(true);
    await expect(startGateway(local)).rejects.toThrow(/already running/);
    expect(await isLocalS3Up(local)).toBe(true);
  });
});

describe('restartLocalS3: a full restart (memstore: everything lost)', () => {
  // Last in the file: it wipes the cluster.
  it('same endpoint and keys, bucket and role provisioned afresh; objects and sessions of before are gone', async () => {
    const owner = s3Client(local, local.service);
    await owner.send(new PutObjectCommand({ Bucket: local.bucket, Key: 'full/before.txt', Body: 'b' }));
    const { Credentials } = await stsClient(local, local.service).send(
      new AssumeRoleCommand({ RoleArn: local.roleArn, RoleSessionName: 'before-full', DurationSeconds: 900 }),
    );
    const [mon, osd] = [pidOf('mon.a'), pidOf('osd.0')];

    const again = await restartLocalS3(local);

    expect(again).toEqual(local);
    expect([pidOf('mon.a'), pidOf('osd.0')]).not.toEqual([mon, osd]);
    const after = s3Client(local, local.service);
    const head = after.send(new HeadObjectCommand({ Bucket: local.bucket, Key: 'full/before.txt' }));
    await expect(head).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    await after.send(new PutObjectCommand({ Bucket: local.bucket, Key: 'full/after.txt', Body: 'a' }));
    const cors = await after.send(new GetBucketCorsCommand({ Bucket: local.bucket }));
    expect(cors.CORSRules?.[0]?.ExposeHeaders).toContain('ETag');
    const fresh = await stsClient(local, local.service).send(
      new AssumeRoleCommand({ RoleArn: local.roleArn, RoleSessionName: 'after-full', DurationSeconds: 900 }),
    );
    expect(fresh.Credentials?.SessionToken).toBeTruthy();
    // A session of the old cluster: its role is gone (the new one has a new id).
    const old = s3Client(local, {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    });
    const put = old.send(
      new PutObjectCommand({ Bucket: local.bucket, Key: 'full/old-session.txt', Body: 'o' }),
    );
    await expect(put).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
  }, 120_000);
});
