import { readFileSync } from 'node:fs';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Uploader } from '@s3up/core';
import { s3Client } from '@s3up/testkit';
import type {} from '@s3up/testkit/global-setup';
import { mintToken } from '@s3up/testkit/jwt';
import { expect, inject, it } from 'vitest';

// The function's environment, as the operator would set it on AWS (here: the local backend).
const local = inject('localS3');
const secret = 'example-lambda-secret-of-at-least-32-by';
Object.assign(process.env, {
  S3UP_BUCKET: local.bucket,
  S3UP_REGION: local.region,
  S3UP_ROLE_ARN: local.roleArn,
  S3UP_ENDPOINT: local.endpoint,
  S3UP_FORCE_PATH_STYLE: 'true',
  S3UP_CHECKSUMS: 'WHEN_REQUIRED',
  S3UP_JWT_SECRET: secret,
  S3UP_JWT_ISSUER: 'https://id.example.test',
  S3UP_JWT_AUDIENCE: 's3up',
  S3UP_LOG_LEVEL: 'silent',
  // The execution role's keys, as Lambda puts them in the environment.
  AWS_ACCESS_KEY_ID: local.service.accessKeyId,
  AWS_SECRET_ACCESS_KEY: local.service.secretAccessKey,
});
const { handler } = await import('../../src/handler.js');

// A real function URL event (AWS's documented payload 2.0 example), with this request in it.
const template = JSON.parse(readFileSync(new URL('../function-url-event.json', import.meta.url), 'utf8'));

/** What a function URL does: the HTTP request becomes the event, the result the answer. */
async function viaFunctionUrl(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers.host = template.requestContext.domainName;
  const body = await request.text();
  const result = await handler({
    ...template,
    rawPath: url.pathname,
    rawQueryString: '',
    headers,
    cookies: [],
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
    requestContext: {
      ...template.requestContext,
      http: { ...template.requestContext.http, method: request.method },
    },
  });
  return new Response(result.body, { status: result.statusCode, headers: result.headers });
}

it('credentials from the Lambda handler (function URL event) upload a file, read back byte-exact', async () => {
  const user = `lambda-${Date.now().toString(36)}`;
  const token = await mintToken({ secret, issuer: 'https://id.example.test', audience: 's3up' }, user);
  const uploader = new Uploader({
    credentials: {
      url: `https://${template.requestContext.domainName}/s3up/credentials`,
      request: (init) => ({ ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } }),
      fetch: viaFunctionUrl,
    },
    network: null,
    resumeStore: null,
  });
  const bytes = crypto.getRandomValues(new Uint8Array(50_000));
  const task = uploader.add(new File([bytes], 'from-lambda.bin'));
  await new Promise((resolve) => uploader.addEventListener('upload-succeeded', resolve, { once: true }));
  expect(task.key).toMatch(new RegExp(`^users/${user}/`));
  const stored = await s3Client(local, local.service).send(
    new GetObjectCommand({ Bucket: local.bucket, Key: task.key! }),
  );
  expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(Buffer.from(bytes))).toBe(true);
  expect(task.receipt).toMatchObject({ key: task.key, size: 50_000 });
  // No token: the same handler answers 401 through the event.
  expect(
    (
      await viaFunctionUrl(`https://${template.requestContext.domainName}/s3up/credentials`, {
        method: 'POST',
      })
    ).status,
  ).toBe(401);
  await uploader.destroy();
});
