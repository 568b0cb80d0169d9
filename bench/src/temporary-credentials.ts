import { createHash } from 'node:crypto';
import { actionsFor, type IssuedCredentialsResponse } from '@s3up/contract';
import type { LocalS3 } from '@s3up/testkit';
import { BenchError } from './bench-error.js';
import { signRequest } from './sigv4.js';

/** Every benchmark object lives under this prefix, as a signed-in user's would under users/<id>/. */
export const BENCH_PREFIX = 'users/bench/';

/** The upload scope's actions plus the read scope's, as the contract lists them. */
const BENCH_ACTIONS = actionsFor(['upload', 'read']);

export interface BenchCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
}

/**
 * The session policy of a user's upload credentials: write and resume under the prefix.
 * Plus s3:GetObject, because s3up's engine checks each stored object with HeadObject
 * (`verify`, on by default) and fails the upload without it; the other contenders never
 * read, so the extra action changes nothing for them.
 */
export function benchSessionPolicy(bucket: string, prefix = BENCH_PREFIX): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: BENCH_ACTIONS,
        Resource: [`arn:aws:s3:::${bucket}/${prefix}*`],
      },
    ],
  });
}

const xmlValue = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];

/**
 * Temporary credentials as every contender gets them: AssumeRole by the token service's
 * user on the uploader role, scoped by a session policy to `users/bench/`. Signed with the
 * harness's own SigV4 (the STS query API is one form POST), so bench/ needs no STS client.
 */
export async function assumeBenchRole(local: LocalS3, durationSeconds = 3600): Promise<BenchCredentials> {
  const body = new URLSearchParams({
    Action: 'AssumeRole',
    Version: '2011-06-15',
    RoleArn: local.roleArn,
    RoleSessionName: 'bench',
    DurationSeconds: String(durationSeconds),
    Policy: benchSessionPolicy(local.bucket),
  }).toString();
  const url = new URL('/', local.endpoint);
  const headers = signRequest({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payloadHash: createHash('sha256').update(body).digest('hex'),
    keys: local.service,
    region: local.region,
    service: 'sts',
  });
  delete headers.host;
  let xml: string;
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
    xml = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (error) {
    throw new BenchError('credentials', `AssumeRole on ${local.roleArn} failed: is the local backend up?`, {
      cause: error,
    });
  }
  const accessKeyId = xmlValue(xml, 'AccessKeyId');
  const secretAccessKey = xmlValue(xml, 'SecretAccessKey');
  const sessionToken = xmlValue(xml, 'SessionToken');
  if (!accessKeyId || !secretAccessKey || !sessionToken)
    throw new BenchError(
      'credentials',
      'AssumeRole answered without credentials: check the role trust policy',
    );
  return {
    accessKeyId,
    secretAccessKey,
    sessionToken,
    expiration: new Date(xmlValue(xml, 'Expiration') ?? Date.now() + durationSeconds * 1000).toISOString(),
  };
}

/** The token server's answer (docs/contracts.md), for pages whose uploader fetches `/credentials`. */
export function credentialsResponse(
  local: LocalS3,
  credentials: BenchCredentials,
  endpoint = local.endpoint,
): IssuedCredentialsResponse {
  return {
    ...credentials,
    serverTime: new Date().toISOString(),
    bucket: local.bucket,
    region: local.region,
    endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    prefix: BENCH_PREFIX,
    scope: 'upload',
    actions: BENCH_ACTIONS,
    // The page server answers any scope with these keys, which may read (the size check).
    offeredScopes: ['upload', 'read'],
  };
}
