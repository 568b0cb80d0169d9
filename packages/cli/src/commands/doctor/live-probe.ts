import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CredentialIssuer, type TemporaryCredentials } from '@s3up/token-server';
import { type AwsClients, s3ClientConfig } from '../../aws-clients.js';
import { awsErrorName, httpStatusOf } from '../../aws-error.js';
import type { Settings } from '../../config.js';
import { formatDuration } from '../../duration.js';
import { type Add, SETUP_FIX } from './report.js';

/** Where the probe's sessions are confined: `s3up-doctor/probe-<random>/`, never a user's prefix. */
const PROBE_PREFIX_BASE = 's3up-doctor/';

/**
 * The live probe: credentials issued the way the token server issues them (its
 * `CredentialIssuer`: the same session policy, session name and STS error handling), then
 * what a browser does with them: start and abort a multipart upload inside the prefix, and
 * a write outside it that must be refused.
 */
export async function probe(
  bucket: string,
  roleArn: string,
  settings: Settings,
  clients: AwsClients,
  add: Add,
  roleOk: boolean,
) {
  const issuer = new CredentialIssuer({
    bucket,
    region: settings.region,
    roleArn,
    sts: clients.sts,
    prefixBase: PROBE_PREFIX_BASE,
    // Exactly the configured session length: the check is whether STS grants it.
    duration: {
      minSeconds: 1,
      maxSeconds: settings.sessionSeconds,
      defaultSeconds: settings.sessionSeconds,
    },
    // One attempt: a refusal is the finding, and an outage is reported, not waited out.
    retry: { attempts: 1 },
  });
  const userId = `probe-${randomBytes(6).toString('hex')}`;
  const prefix = issuer.prefixFor(userId);
  let credentials: TemporaryCredentials;
  const title = `Assume the role with a session policy for ${formatDuration(settings.sessionSeconds)}`;
  try {
    ({ credentials } = await issuer.issue({
      userId,
      scope: 'upload',
      durationSeconds: settings.sessionSeconds,
    }));
    add({ id: 'probe-assume-role', title, status: 'pass' });
  } catch (error) {
    // The issuer keeps STS's own error as the cause; its message is for browsers.
    const sts = (error as { cause?: unknown }).cause ?? error;
    const status = httpStatusOf(sts);
    add({
      id: 'probe-assume-role',
      title,
      status: 'fail',
      detail: `AssumeRole answered ${status ?? awsErrorName(sts)}`,
      fix:
        status === 403
          ? 'run doctor with the token service identity (--probe-profile), and check the trust policy'
          : status === 400
            ? 'the session length may exceed the role maximum; check role-session-duration'
            : roleOk
              ? 'check STS on --endpoint / --region'
              : 'fix the role checks above first',
    });
    return;
  } finally {
    issuer.destroy();
  }
  const scoped = new S3Client({ ...s3ClientConfig(settings, credentials), maxAttempts: 2 });
  try {
    const key = `${prefix}multipart-probe`;
    try {
      const { UploadId } = await scoped.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      await scoped.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }));
      add({
        id: 'probe-multipart',
        title: `Start and abort a multipart upload under ${prefix}`,
        status: 'pass',
      });
    } catch (error) {
      add({
        id: 'probe-multipart',
        title: `Start and abort a multipart upload under ${prefix}`,
        status: 'fail',
        detail: `${awsErrorName(error)} (${httpStatusOf(error) ?? 'no answer'})`,
        fix: `the role must allow s3:PutObject and s3:AbortMultipartUpload on the bucket; ${SETUP_FIX}`,
      });
    }
    const outside = `${PROBE_PREFIX_BASE}outside-${randomBytes(6).toString('hex')}`;
    try {
      await scoped.send(new PutObjectCommand({ Bucket: bucket, Key: outside, Body: 'must be denied' }));
      // The write went through: remove it, then report the hole.
      await clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: outside })).catch(() => undefined);
      add({
        id: 'probe-outside-denied',
        title: 'A write outside the session prefix is denied',
        status: 'fail',
        detail: 'the write was accepted: session policies are not enforced',
        fix: 'the endpoint must enforce STS session policies; do not deploy on it',
      });
    } catch (error) {
      const status = httpStatusOf(error);
      add({
        id: 'probe-outside-denied',
        title: 'A write outside the session prefix is denied',
        status: status === 403 ? 'pass' : 'fail',
        ...(status === 403 ? {} : { detail: `expected 403, got ${status ?? awsErrorName(error)}` }),
      });
    }
  } finally {
    scoped.destroy();
  }
}
