import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client as TestsS3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { inputMembersSent, MEMBERS_USED } from '../../build/sdk-members.mjs';
// Resolved by the test projects to test/support/s3-sdk-members-guard.ts, as the engine's own import is.
import * as coreSdk from '../../src/s3-sdk.js';
import {
  CompleteMultipartUploadCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from '../../src/s3-sdk.js';
import { createTransport } from '../../src/s3-transport.js';

// The test projects give the engine's S3 clients the browser build's member rule
// (sdk-members-guard-plugin.ts in vitest.config.ts): these check that the rule is in place
// and what it refuses and keeps, with a handler that answers as S3 does and sends nothing.
const LIST_PARTS_ANSWER = `<?xml version="1.0" encoding="UTF-8"?>
<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId><StorageClass>STANDARD</StorageClass><Initiator><ID>i</ID></Initiator><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>"e1"</ETag><Size>5</Size><LastModified>2026-12-06T00:00:00.000Z</LastModified></Part></ListPartsResult>`;

function clientAnswering(Client: typeof TestsS3Client, body = LIST_PARTS_ANSWER) {
  const sent: string[] = [];
  const client = new Client({
    region: 'us-east-1',
    endpoint: 'http://s3.test',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { method: string; path: string }) => {
        sent.push(`${request.method} ${request.path}`);
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/xml', etag: '"e1"' },
            body: Readable.from([Buffer.from(body)]),
          },
        };
      },
    } as never,
  });
  return { client, sent };
}

describe('sdk members guard: the engine S3 client in tests refuses what the browser build refuses', () => {
  it('refuses an input member outside MEMBERS_USED before sending, naming the member and the file to change', async () => {
    const { client, sent } = clientAnswering(S3Client);
    const part = { Bucket: 'b', Key: 'k', UploadId: 'u', PartNumber: 1, Body: 'hello', ContentLength: 5 };
    await expect(
      client.send(new UploadPartCommand({ ...part, SSECustomerAlgorithm: 'AES256' })),
    ).rejects.toThrow(
      /UploadPartCommand with UploadPartRequest\.SSECustomerAlgorithm is not part of the browser upload build.*MEMBERS_USED in packages\/core\/build\/sdk-members\.mjs/,
    );
    await expect(
      client.send(new UploadPartCommand({ ...part, RequestPayer: 'requester' })),
    ).rejects.toMatchObject({ name: 'SdkMembersGuardError' });
    expect(sent).toEqual([]);
    // The members listed go through (an undefined member is not sent, so not refused either).
    await client.send(new UploadPartCommand({ ...part, ChecksumCRC32: 'AAAAAA==', ChecksumSHA1: undefined }));
    expect(sent).toEqual(['PUT /b/k']);
    expect(MEMBERS_USED.UploadPartRequest).not.toContain('SSECustomerAlgorithm');
  });

  it('refuses members of nested shapes (the parts Complete lists) and commands the build does not have', async () => {
    const { client, sent } = clientAnswering(S3Client);
    const complete = (part: Record<string, unknown>) =>
      new CompleteMultipartUploadCommand({
        Bucket: 'b',
        Key: 'k',
        UploadId: 'u',
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"e1"' }, part] },
      });
    await expect(client.send(complete({ PartNumber: 2, ETag: '"e2"', ChecksumSHA256: 'x' }))).rejects.toThrow(
      'CompleteMultipartUploadCommand with CompletedPart.ChecksumSHA256 (at MultipartUpload.Parts[1].ChecksumSHA256)',
    );
    await expect(client.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }))).rejects.toThrow(
      /GetObjectCommand is not part of the browser upload build/,
    );
    expect(sent).toEqual([]);
  });

  it('gives the engine only the answer members the browser build reads, at every listed depth', async () => {
    const { client } = clientAnswering(S3Client);
    const { $metadata, ...answer } = await client.send(
      new ListPartsCommand({ Bucket: 'b', Key: 'k', UploadId: 'u' }),
    );
    expect($metadata.httpStatusCode).toBe(200);
    expect(answer).toEqual({
      Bucket: 'b',
      Key: 'k',
      UploadId: 'u',
      IsTruncated: false,
      Parts: [{ PartNumber: 1, ETag: '"e1"', Size: 5 }],
    });
    // The full SDK reads the others (StorageClass, Initiator, each part's LastModified): the
    // guard is what drops them, as the browser build's trimmed schemas do.
    const full = await clientAnswering(TestsS3Client).client.send(
      new ListPartsCommand({ Bucket: 'b', Key: 'k', UploadId: 'u' }),
    );
    expect(full).toMatchObject({ StorageClass: 'STANDARD', Initiator: { ID: 'i' } });
    expect(full.Parts?.[0]?.LastModified).toBeInstanceOf(Date);
  });

  it('leaves the tests own clients (imported from @aws-sdk/client-s3) as the SDK makes them', () => {
    expect(S3Client).not.toBe(TestsS3Client);
    expect(Object.getPrototypeOf(S3Client)).toBe(TestsS3Client);
  });

  it('lists a request and an answer for every command the SDK module of core exports, and no other', () => {
    const commands = Object.keys(coreSdk).filter((name) => name.endsWith('Command'));
    expect(commands.length).toBeGreaterThanOrEqual(7);
    expect(Object.keys(inputMembersSent()).sort()).toEqual(commands.sort());
    for (const command of commands) {
      const operation = command.slice(0, -'Command'.length);
      expect(MEMBERS_USED, command).toHaveProperty([`${operation}Request`]);
      expect(MEMBERS_USED, command).toHaveProperty([`${operation}Output`]);
    }
  });

  it("is what the engine's transport builds its client from (so every engine test runs under it)", async () => {
    const transport = await createTransport(
      { provider: async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }) } as never,
      {
        response: { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true },
        receivedAt: Date.now(),
      } as never,
    );
    try {
      expect(transport.sdk.S3Client).toBe(S3Client);
      expect(transport.client).toBeInstanceOf(S3Client);
      await expect(
        transport.client.send(
          new transport.sdk.PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x', StorageClass: 'GLACIER' }),
        ),
      ).rejects.toThrow(
        /PutObjectCommand with PutObjectRequest\.StorageClass is not part of the browser upload build/,
      );
    } finally {
      transport.client.destroy();
    }
  });
});
