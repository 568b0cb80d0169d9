import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { CredentialIssuer } from '@s3up/token-server/issuer';
import { type AwsClients, s3ClientConfig } from '../../aws-clients.js';
import { httpStatusOf } from '../../aws-error.js';
import type { Settings } from '../../config.js';
import { type DoctorReport, failureOf, SETUP_FIX } from './report.js';

export const DELETE_PROBE_CHECKS = [
  'probe-delete',
  'probe-delete-abort',
  'probe-delete-outside-denied',
] as const;

interface DeleteProbeInput {
  bucket: string;
  /** The probe session's prefix (`s3up-doctor/probe-<random>/`). */
  prefix: string;
  userId: string;
  issuer: CredentialIssuer;
  /** The probe's upload-scope session: the object to delete is uploaded as a user would. */
  uploader: S3Client;
  settings: Settings;
  clients: AwsClients;
  report: DoctorReport;
}

/**
 * The delete scope, live, when the token server offers it (`--scope delete`): a session
 * issued for `delete` removes an object a user's upload session stored, aborts a multipart
 * upload in flight (what removing a file in the middle of its upload needs), and is refused
 * a delete outside its prefix, where the object must still be there afterwards.
 */
export async function probeDelete(input: DeleteProbeInput) {
  const { prefix, settings, report } = input;
  let deleter: S3Client;
  try {
    const { credentials } = await input.issuer.issue({
      userId: input.userId,
      scope: 'delete',
      durationSeconds: settings.sessionSeconds,
    });
    deleter = new S3Client({ ...s3ClientConfig(settings, credentials), maxAttempts: 2 });
  } catch (error) {
    report.add({
      id: 'probe-delete',
      title: `A delete-scope session removes an object under ${prefix}`,
      status: 'fail',
      ...failureOf(
        (error as { cause?: unknown }).cause ?? error,
        'AssumeRole for the delete scope',
        settings,
      ),
    });
    report.skip(DELETE_PROBE_CHECKS, 'no delete-scope session');
    return;
  }
  const outside = `s3up-doctor/outside-delete-${randomBytes(6).toString('hex')}`;
  try {
    await probeDeleteObject(input, deleter);
    await probeAbort(input, deleter);
    await probeOutside(input, deleter, outside);
  } finally {
    await input.clients.s3
      .send(new DeleteObjectCommand({ Bucket: input.bucket, Key: outside }))
      .catch(() => undefined);
    deleter.destroy();
  }
}

/** An object a user stored, deleted by the delete session, and gone afterwards. */
async function probeDeleteObject(input: DeleteProbeInput, deleter: S3Client) {
  const { bucket: Bucket, prefix, settings, clients } = input;
  const id = 'probe-delete';
  const title = `A delete-scope session removes an object under ${prefix}`;
  const Key = `${prefix}delete-probe`;
  try {
    await input.uploader.send(new PutObjectCommand({ Bucket, Key, Body: 'delete me' }));
  } catch (error) {
    input.report.add({
      id,
      title,
      status: 'fail',
      ...failureOf(error, 'PutObject with the upload session (the object to delete)', settings),
    });
    return;
  }
  try {
    await deleter.send(new DeleteObjectCommand({ Bucket, Key }));
  } catch (error) {
    await clients.s3.send(new DeleteObjectCommand({ Bucket, Key })).catch(() => undefined);
    input.report.add({
      id,
      title,
      status: 'fail',
      ...failureOf(error, 'DeleteObject', settings),
      ...(httpStatusOf(error) === 403
        ? {
            detail:
              'DeleteObject was refused (403) for the delete scope: Delete in the app answers 403 and the file stays',
            fix: `the role must allow s3:DeleteObject on the bucket; ${SETUP_FIX}`,
          }
        : {}),
    });
    return;
  }
  if (await exists(clients.s3, Bucket, Key).catch(() => false)) {
    await clients.s3.send(new DeleteObjectCommand({ Bucket, Key })).catch(() => undefined);
    input.report.add({
      id,
      title,
      status: 'fail',
      detail: 'DeleteObject answered success but the object is still there',
      fix: 'versioning or an object lock keeps it (a delete only adds a delete marker): check the bucket',
    });
    return;
  }
  input.report.add({ id, title, status: 'pass' });
}

/**
 * A multipart upload in flight, aborted by the delete session. When the delete session is
 * refused but the upload session may abort the same upload, the role is right and the
 * endpoint is the cause: Ceph RGW 16 wants s3:PutObject in the session for an abort, which
 * the delete scope deliberately lacks (testkit README, quirks); AWS needs only
 * s3:AbortMultipartUpload.
 */
async function probeAbort(input: DeleteProbeInput, deleter: S3Client) {
  const { bucket: Bucket, prefix, settings } = input;
  const id = 'probe-delete-abort';
  const title = `A delete-scope session aborts a multipart upload in flight under ${prefix}`;
  const Key = `${prefix}delete-abort-probe`;
  let UploadId: string | undefined;
  try {
    ({ UploadId } = await input.uploader.send(new CreateMultipartUploadCommand({ Bucket, Key })));
  } catch (error) {
    input.report.add({
      id,
      title,
      status: 'fail',
      ...failureOf(error, 'CreateMultipartUpload with the upload session (the upload to abort)', settings),
    });
    return;
  }
  try {
    await deleter.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
    input.report.add({ id, title, status: 'pass' });
    return;
  } catch (error) {
    const refused = httpStatusOf(error) === 403;
    const uploaderAborts = await input.uploader
      .send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }))
      .then(
        () => true,
        () => false,
      );
    if (refused && uploaderAborts) {
      input.report.add({
        id,
        title,
        status: 'unsupported',
        detail:
          'the endpoint allows an abort only to sessions that may also write (s3:PutObject), which the delete scope may not; upload sessions abort',
        fix: `AWS needs only s3:AbortMultipartUpload; on this endpoint abort with upload credentials, and accept it for local development with --accept-unsupported ${id}`,
      });
      return;
    }
    input.report.add({
      id,
      title,
      status: 'fail',
      ...failureOf(error, 'AbortMultipartUpload', settings),
      ...(refused
        ? {
            detail:
              'AbortMultipartUpload was refused (403) for the delete scope: removing a file during its upload leaves its parts behind',
            fix: `the role must allow s3:AbortMultipartUpload on the bucket; ${SETUP_FIX}`,
          }
        : {}),
    });
  }
}

async function probeOutside(input: DeleteProbeInput, deleter: S3Client, outside: string) {
  const { bucket: Bucket, prefix, settings, clients } = input;
  const id = 'probe-delete-outside-denied';
  const title = `A delete outside the session prefix (${prefix}) is denied`;
  try {
    await clients.s3.send(new PutObjectCommand({ Bucket, Key: outside, Body: 'must survive' }));
  } catch (error) {
    input.report.add({
      id,
      title,
      status: 'fail',
      ...failureOf(error, 'PutObject as the bucket owner', settings),
    });
    return;
  }
  let status: number | undefined = 204;
  try {
    await deleter.send(new DeleteObjectCommand({ Bucket, Key: outside }));
  } catch (error) {
    status = httpStatusOf(error);
    if (status === undefined) {
      input.report.add({
        id,
        title,
        status: 'fail',
        ...failureOf(error, 'DeleteObject outside the prefix', settings),
      });
      return;
    }
  }
  const survived = await exists(clients.s3, Bucket, outside).catch(() => true);
  input.report.add(
    status === 403 && survived
      ? { id, title, status: 'pass' }
      : {
          id,
          title,
          status: 'fail',
          detail: survived
            ? `expected 403, got ${status}`
            : "the delete was accepted: the delete scope can erase other users' files",
          fix: 'the endpoint must enforce STS session policies; do not deploy on it',
        },
  );
}

async function exists(s3: S3Client, Bucket: string, Key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket, Key }));
    return true;
  } catch (error) {
    if (httpStatusOf(error) === 404) return false;
    throw error;
  }
}
