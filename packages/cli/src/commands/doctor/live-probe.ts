import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { CredentialIssuer, type TemporaryCredentials } from '@s3up/token-server/issuer';
import { type AwsClients, s3ClientConfig } from '../../aws-clients.js';
import { httpStatusOf } from '../../aws-error.js';
import type { Settings } from '../../config.js';
import { formatDuration } from '../../duration.js';
import { DELETE_PROBE_CHECKS, probeDelete } from './delete-probe.js';
import { type CheckResult, type DoctorReport, failureOf, SETUP_FIX } from './report.js';

export const PROBE_CHECKS = [
  'probe-assume-role',
  'probe-multipart',
  'probe-list-parts',
  'probe-outside-denied',
  ...DELETE_PROBE_CHECKS,
] as const;

/** Where the probe's sessions are confined: `s3up-doctor/probe-<random>/`, never a user's prefix. */
const PROBE_PREFIX_BASE = 's3up-doctor/';

interface ProbeInput {
  bucket: string;
  roleArn: string;
  settings: Settings;
  clients: AwsClients;
  report: DoctorReport;
  /** Whether the role checks passed: the fix for a refused AssumeRole depends on it. */
  roleOk: boolean;
}

/**
 * The live probe: credentials issued the way the token server issues them (its
 * `CredentialIssuer`: the same session policy, session name and STS error handling), then
 * what a browser does with them: a multipart upload inside the prefix (create, one part,
 * ListParts as resume does, abort), and a write outside it that must be refused.
 */
export async function probe({ bucket, roleArn, settings, clients, report, roleOk }: ProbeInput) {
  const { add } = report;
  const issuer = new CredentialIssuer({
    bucket,
    region: settings.region,
    roleArn,
    sts: clients.sts,
    prefixBase: PROBE_PREFIX_BASE,
    // Exactly the configured session length: the check is whether STS grants it.
    duration: { minSeconds: 1, maxSeconds: settings.sessionSeconds, defaultSeconds: settings.sessionSeconds },
    // One attempt: a refusal is the finding, and an outage is reported, not waited out.
    retry: { attempts: 1, attemptTimeoutMs: settings.requestTimeoutSeconds * 1000 },
  });
  const userId = `probe-${randomBytes(6).toString('hex')}`;
  const prefix = issuer.prefixFor(userId);
  let credentials: TemporaryCredentials;
  const title = `Assume the role with a session policy for ${formatDuration(settings.sessionSeconds)}, as the token server does`;
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
    const failure = failureOf(sts, 'AssumeRole', settings);
    add({
      id: 'probe-assume-role',
      title,
      status: 'fail',
      ...failure,
      ...(status === 403
        ? {
            fix: roleOk
              ? "run doctor with the token service's identity for STS: --sts-profile (S3UP_STS_PROFILE), the principal the role trusts"
              : 'fix role-trust above; STS refuses whoever the role does not trust',
          }
        : status === 400
          ? { fix: 'the session length may exceed the role maximum; see role-session-duration' }
          : {}),
    });
    report.skip(PROBE_CHECKS, 'no session: AssumeRole failed');
    issuer.destroy();
    return;
  }
  const scoped = new S3Client({ ...s3ClientConfig(settings, credentials), maxAttempts: 2 });
  try {
    await probeMultipart(bucket, `${prefix}multipart-probe`, scoped, settings, report);
    const outside = `${PROBE_PREFIX_BASE}outside-${randomBytes(6).toString('hex')}`;
    const outsideTitle = `A write outside the session prefix (${prefix}) is denied`;
    try {
      await scoped.send(new PutObjectCommand({ Bucket: bucket, Key: outside, Body: 'must be denied' }));
      // The write went through: remove it, then report the hole.
      await clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: outside })).catch(() => undefined);
      add({
        id: 'probe-outside-denied',
        title: outsideTitle,
        status: 'fail',
        detail: 'the write was accepted: session policies are not enforced',
        fix: 'the endpoint must enforce STS session policies; do not deploy on it',
      });
    } catch (error) {
      const status = httpStatusOf(error);
      add(
        status === 403
          ? { id: 'probe-outside-denied', title: outsideTitle, status: 'pass' }
          : {
              id: 'probe-outside-denied',
              title: outsideTitle,
              status: 'fail',
              ...failureOf(error, 'PutObject outside the prefix', settings),
              ...(status !== undefined ? { detail: `expected 403, got ${status}` } : {}),
            },
      );
    }
    if (settings.scopes.includes('delete'))
      await probeDelete({ bucket, prefix, userId, issuer, uploader: scoped, settings, clients, report });
    else
      report.skip(
        DELETE_PROBE_CHECKS,
        'the token server does not offer the delete scope (--scope delete checks it)',
      );
  } finally {
    scoped.destroy();
    issuer.destroy();
  }
}

async function probeMultipart(
  Bucket: string,
  Key: string,
  s3: S3Client,
  settings: Settings,
  report: DoctorReport,
) {
  const { add } = report;
  const title = `Start, upload a part to and abort a multipart upload under ${Key.slice(0, Key.lastIndexOf('/') + 1)}`;
  let UploadId: string | undefined;
  try {
    ({ UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key })));
    await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: 'probe' }));
  } catch (error) {
    add({
      id: 'probe-multipart',
      title,
      status: 'fail',
      ...failureOf(error, UploadId ? 'UploadPart' : 'CreateMultipartUpload', settings),
      ...(httpStatusOf(error) === 403
        ? { fix: `the role must allow s3:PutObject on the bucket; ${SETUP_FIX}` }
        : {}),
    });
    report.skip(['probe-list-parts'], 'no multipart upload to list');
    if (UploadId)
      await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
    return;
  }
  const listTitle = 'ListParts works inside the session prefix (resuming an interrupted upload needs it)';
  // Reported after the multipart check, which it depends on.
  let listed: CheckResult;
  try {
    const { Parts } = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    const found = Parts?.some((p) => p.PartNumber === 1) === true;
    listed = found
      ? { id: 'probe-list-parts', title: listTitle, status: 'pass' }
      : {
          id: 'probe-list-parts',
          title: listTitle,
          status: 'fail',
          detail: 'ListParts answered without the part just uploaded',
          fix: 'the endpoint does not list parts: resume cannot work on it',
        };
  } catch (error) {
    listed = {
      id: 'probe-list-parts',
      title: listTitle,
      status: 'fail',
      ...failureOf(error, 'ListParts', settings),
      ...(httpStatusOf(error) === 403
        ? {
            detail:
              'ListParts was refused (403): resume is off, every interrupted upload starts over from the first byte',
            fix: `the role must allow s3:ListMultipartUploadParts on the bucket; ${SETUP_FIX}`,
          }
        : {}),
    };
  }
  try {
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
    add({ id: 'probe-multipart', title, status: 'pass' });
  } catch (error) {
    add({
      id: 'probe-multipart',
      title,
      status: 'fail',
      ...failureOf(error, 'AbortMultipartUpload', settings),
      ...(httpStatusOf(error) === 403
        ? {
            detail: 'AbortMultipartUpload was refused (403): cancelled uploads leave their parts behind',
            fix: `the role must allow s3:AbortMultipartUpload on the bucket; ${SETUP_FIX}`,
          }
        : {}),
    });
  }
  add(listed);
}
