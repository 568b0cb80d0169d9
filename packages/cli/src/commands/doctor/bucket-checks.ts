import {
  type CORSRule,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  HeadBucketCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CHECKSUM_RESPONSE_HEADERS } from '@s3up/contract';
import { httpStatusOf } from '../../aws-error.js';
import {
  readCorsRules,
  readLifecycleRules,
  readPublicAccessBlock,
  readUnsupportedTag,
} from '../../bucket-settings.js';
import type { Settings } from '../../config.js';
import { CORS_METHODS, SDK_REQUEST_HEADERS } from '../../deployment-plan.js';
import { isUnsupportedByEndpoint } from '../../endpoint-support.js';
import { wildcardMatch } from '../../policy-document.js';
import { type Add, CHECKS, type DoctorReport, failureOf, guarded, SETUP_FIX } from './report.js';

export const BUCKET_SETTING_CHECKS = [
  'bucket-region',
  'cors-origins',
  'cors-methods',
  'cors-headers',
  'cors-expose-etag',
  'cors-preflight',
  'lifecycle-abort-incomplete',
  'public-access-block',
  'object-ownership',
  'default-encryption',
] as const;
const CORS_PER_ORIGIN = ['cors-methods', 'cors-headers', 'cors-expose-etag', 'cors-preflight'] as const;

/**
 * Bucket checks: reachable, in the configured region, then its CORS (with a real
 * preflight), lifecycle and hygiene settings. When the bucket cannot be reached every
 * other bucket check is listed as skipped, with the reason.
 */
export async function checkBucket(
  bucket: string,
  settings: Settings,
  s3: S3Client,
  report: DoctorReport,
  fetchImpl: typeof fetch,
): Promise<{ reachable: boolean; unreachable: boolean }> {
  const { add } = report;
  const title = `Bucket ${bucket} is reachable`;
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    add({ id: 'bucket-reachable', title, status: 'pass' });
  } catch (error) {
    const status = httpStatusOf(error);
    const failure = failureOf(error, 'HeadBucket', settings);
    add({
      id: 'bucket-reachable',
      title,
      status: 'fail',
      ...failure,
      ...(status === 404
        ? { detail: 'the bucket does not exist', fix: `create it: ${SETUP_FIX}` }
        : status === 403
          ? {
              fix: 'the identity in use cannot read the bucket: use the bucket owner (--profile, or AWS_PROFILE)',
            }
          : {}),
    });
    report.skip(BUCKET_SETTING_CHECKS, 'the bucket is not reachable');
    return { reachable: false, unreachable: failure.unreachable === true };
  }
  await guarded('bucket-region', 'bucket location', settings, add, () =>
    checkRegion(bucket, settings, s3, add),
  );
  await guarded('cors-origins', 'bucket CORS', settings, add, () =>
    checkCors(bucket, settings, s3, report, fetchImpl),
  );
  await guarded('lifecycle-abort-incomplete', 'bucket lifecycle', settings, add, () =>
    checkLifecycle(bucket, s3, add),
  );
  await guarded('public-access-block', 'Block Public Access settings', settings, add, () =>
    checkPublicAccess(bucket, s3, add),
  );
  await guarded('object-ownership', 'Object Ownership setting', settings, add, () =>
    checkOwnership(bucket, s3, add),
  );
  await guarded('default-encryption', 'default encryption setting', settings, add, () =>
    checkEncryption(bucket, s3, add),
  );
  report.skip(CORS_PER_ORIGIN, 'the CORS configuration could not be read');
  return { reachable: true, unreachable: false };
}

/**
 * AWS names a bucket's region in GetBucketLocation (empty for us-east-1, `EU` for
 * eu-west-1); clients signing for another region are refused there. Ceph RGW names its
 * zonegroup instead (`default`) and accepts any signing region; `us-east-1` is what
 * S3-compatible servers and the SDKs assume for it, so that is the region to configure.
 */
async function checkRegion(bucket: string, settings: Settings, s3: S3Client, add: Add) {
  const { LocationConstraint } = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
  const raw: string = LocationConstraint ?? '';
  const location = raw === '' ? 'us-east-1' : raw === 'EU' ? 'eu-west-1' : raw;
  const expected = settings.endpoint && location === 'default' ? 'us-east-1' : location;
  const title = `The bucket is in the configured region (${settings.region})`;
  if (settings.region === expected || settings.region === location)
    return add({
      id: 'bucket-region',
      title,
      status: 'pass',
      detail: `location ${raw || '(empty: us-east-1)'}`,
    });
  add({
    id: 'bucket-region',
    title,
    status: 'fail',
    detail:
      expected === location
        ? `the bucket is in ${location}: clients signing for ${settings.region} are refused (or sent to the wrong place)`
        : `the endpoint names its zonegroup "${location}", which S3-compatible servers treat as ${expected}; browsers and partners would be told ${settings.region}`,
    fix: `use --region ${expected} (S3UP_REGION), and the same region in the token server's configuration`,
  });
}

function ruleForOrigin(rules: CORSRule[], origin: string): CORSRule | undefined {
  return rules.find((r) => (r.AllowedOrigins ?? []).some((o) => o === '*' || wildcardMatch(o, origin)));
}

async function checkCors(
  bucket: string,
  settings: Settings,
  s3: S3Client,
  report: DoctorReport,
  fetchImpl: typeof fetch,
) {
  const { add } = report;
  const rules = await readCorsRules(s3, bucket);
  // `*` lets every web page call the bucket from a signed-in user's browser: s3up's
  // credentials are scoped to a user, and CORS is what keeps other sites from using them.
  const open = rules.filter((r) => (r.AllowedOrigins ?? []).includes('*'));
  if (open.length)
    add({
      id: 'cors-origins',
      title: 'CORS does not allow every origin',
      status: 'fail',
      detail: `${open.length === 1 ? 'a rule allows' : `${open.length} rules allow`} AllowedOrigins "*": any web site may drive uploads from a user's browser`,
      fix: `${SETUP_FIX} (it removes "*" and keeps your other origins)`,
    });
  if (settings.origins.length === 0) {
    add({
      id: 'cors-origins',
      title: 'CORS allows the app origins',
      status: 'fail',
      detail: 'no app origin configured to check',
      fix: 'pass --origin https://app.example.com, repeatable (or S3UP_ORIGINS)',
    });
    report.skip(CORS_PER_ORIGIN, 'no --origin to check');
    return;
  }
  for (const origin of settings.origins) {
    const rule = ruleForOrigin(rules, origin);
    if (!rule) {
      add({
        id: 'cors-origins',
        title: `CORS allows ${origin}`,
        status: 'fail',
        detail: rules.length ? 'no rule lists this origin' : 'the bucket has no CORS configuration',
        fix: SETUP_FIX,
      });
      for (const id of CORS_PER_ORIGIN)
        add({
          id,
          title: `${CHECKS[id]} for ${origin}`,
          status: 'skip',
          detail: 'no CORS rule serves it',
        });
      continue;
    }
    add({ id: 'cors-origins', title: `CORS allows ${origin}`, status: 'pass' });
    const missingMethods = CORS_METHODS.filter((m) => !(rule.AllowedMethods ?? []).includes(m));
    add({
      id: 'cors-methods',
      title: `CORS allows ${CORS_METHODS.join(', ')} from ${origin}`,
      status: missingMethods.length ? 'fail' : 'pass',
      ...(missingMethods.length ? { detail: `missing ${missingMethods.join(', ')}`, fix: SETUP_FIX } : {}),
    });
    const missingHeaders = SDK_REQUEST_HEADERS.filter(
      (h) => !(rule.AllowedHeaders ?? []).some((p) => wildcardMatch(p, h, true)),
    );
    add({
      id: 'cors-headers',
      title: `CORS allows the authorization and x-amz-* headers from ${origin}`,
      status: missingHeaders.length ? 'fail' : 'pass',
      ...(missingHeaders.length ? { detail: `missing ${missingHeaders.join(', ')}`, fix: SETUP_FIX } : {}),
    });
    const exposesEtag = (rule.ExposeHeaders ?? []).some((h) => h.toLowerCase() === 'etag');
    add({
      id: 'cors-expose-etag',
      title: `CORS exposes ETag to ${origin}`,
      status: exposesEtag ? 'pass' : 'fail',
      ...(exposesEtag
        ? {}
        : {
            detail: 'without it the browser cannot read part ETags and multipart uploads cannot complete',
            fix: SETUP_FIX,
          }),
    });
    const hidden = CHECKSUM_RESPONSE_HEADERS.filter(
      (h) => !(rule.ExposeHeaders ?? []).some((e) => e.toLowerCase() === h),
    );
    add({
      id: 'cors-expose-checksums',
      title: `CORS exposes the object checksum headers to ${origin}`,
      status: hidden.length ? 'fail' : 'pass',
      ...(hidden.length
        ? {
            detail: `missing ${hidden.join(', ')}: a page cannot read an object's checksum, so a file another tab stored is recognised by its size and part count only`,
            fix: SETUP_FIX,
          }
        : {}),
    });
    await checkPreflight(bucket, origin, settings, add, fetchImpl);
  }
}

/** A real preflight, as the browser sends it before an UploadPart: what the configuration promises, on the wire. */
async function checkPreflight(
  bucket: string,
  origin: string,
  settings: Settings,
  add: Add,
  fetchImpl: typeof fetch,
) {
  // A concrete origin for wildcard entries (`http://localhost:*` → port 5173).
  const concrete = origin.replace('://*.', '://app.').replace(':*', ':5173');
  const base = settings.endpoint
    ? `${settings.endpoint}/${bucket}`
    : settings.forcePathStyle
      ? `https://s3.${settings.region}.amazonaws.com/${bucket}`
      : `https://${bucket}.s3.${settings.region}.amazonaws.com`;
  const title = `CORS preflight for a part upload from ${concrete} succeeds`;
  try {
    const response = await fetchImpl(`${base}/s3up-doctor/preflight`, {
      method: 'OPTIONS',
      headers: {
        Origin: concrete,
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': SDK_REQUEST_HEADERS.join(','),
      },
      // One small request, bounded like every AWS call (--request-timeout).
      signal: AbortSignal.timeout(settings.requestTimeoutSeconds * 1000),
    });
    await response.arrayBuffer();
    const allowOrigin = response.headers.get('access-control-allow-origin');
    const ok = response.ok && (allowOrigin === concrete || allowOrigin === '*');
    add({
      id: 'cors-preflight',
      title,
      status: ok ? 'pass' : 'fail',
      ...(ok
        ? {}
        : {
            detail: `OPTIONS answered ${response.status}, allow-origin ${allowOrigin ?? 'absent'}`,
            fix: SETUP_FIX,
          }),
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    add({
      id: 'cors-preflight',
      title,
      status: 'fail',
      unreachable: true,
      detail: timedOut
        ? `OPTIONS got no answer within ${settings.requestTimeoutSeconds} s`
        : `OPTIONS got no answer (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message})`,
      fix: 'check --endpoint (S3UP_ENDPOINT) and the network',
    });
  }
}

async function checkLifecycle(bucket: string, s3: S3Client, add: Add) {
  const title = 'Lifecycle rule aborts incomplete multipart uploads (1 to 7 days)';
  let rules: Awaited<ReturnType<typeof readLifecycleRules>>;
  try {
    rules = await readLifecycleRules(s3, bucket);
  } catch (error) {
    if (!isUnsupportedByEndpoint(error)) throw error;
    return add({
      id: 'lifecycle-abort-incomplete',
      title,
      status: 'unsupported',
      fix: 'accept it for local development with --accept-unsupported lifecycle-abort-incomplete',
    });
  }
  if (rules === undefined)
    return add({
      id: 'lifecycle-abort-incomplete',
      title,
      status: 'fail',
      detail: 'the bucket has no lifecycle configuration',
      fix: SETUP_FIX,
    });
  const rule = rules.find((r) => {
    const days = r.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
    const prefix = r.Filter?.Prefix ?? r.Prefix ?? '';
    return (
      r.Status === 'Enabled' &&
      days !== undefined &&
      days >= 1 &&
      days <= 7 &&
      prefix === '' &&
      !r.Filter?.Tag &&
      !r.Filter?.And
    );
  });
  add(
    rule
      ? {
          id: 'lifecycle-abort-incomplete',
          title,
          status: 'pass',
          detail: `rule ${rule.ID ?? '(unnamed)'}, ${rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation} day(s)`,
        }
      : {
          id: 'lifecycle-abort-incomplete',
          title,
          status: 'fail',
          detail: 'no enabled bucket-wide AbortIncompleteMultipartUpload rule',
          fix: SETUP_FIX,
        },
  );
}

async function checkPublicAccess(bucket: string, s3: S3Client, add: Add) {
  const title = 'Block Public Access is on';
  const current = await readPublicAccessBlock(s3, bucket);
  const off = Object.entries(current)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (off.length === 0) return add({ id: 'public-access-block', title, status: 'pass' });
  // Evidence, not a guess: `setup` tags the bucket only after watching writes fail.
  const unsupported = await readUnsupportedTag(s3, bucket);
  if (off.length === 1 && off[0] === 'BlockPublicAcls' && unsupported.includes('BlockPublicAcls')) {
    return add({
      id: 'public-access-block',
      title,
      status: 'unsupported',
      detail:
        'BlockPublicAcls is off: s3up setup found this endpoint refuses every upload while it is on; the other three are on',
      fix: 'accept it for local development with --accept-unsupported public-access-block',
    });
  }
  add({ id: 'public-access-block', title, status: 'fail', detail: `off: ${off.join(', ')}`, fix: SETUP_FIX });
}

async function checkOwnership(bucket: string, s3: S3Client, add: Add) {
  const title = 'Object Ownership is BucketOwnerEnforced (ACLs off)';
  const accept = 'accept it for local development with --accept-unsupported object-ownership';
  try {
    const { OwnershipControls } = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
    const rules = OwnershipControls?.Rules ?? [];
    // AWS always answers a rule (404 when none); an empty 200 is an endpoint without the feature.
    if (rules.length === 0)
      return add({
        id: 'object-ownership',
        title,
        status: 'unsupported',
        detail: 'the endpoint answers without any ownership setting',
        fix: accept,
      });
    const value = rules[0]?.ObjectOwnership;
    add(
      value === 'BucketOwnerEnforced'
        ? { id: 'object-ownership', title, status: 'pass' }
        : { id: 'object-ownership', title, status: 'fail', detail: `it is ${value}`, fix: SETUP_FIX },
    );
  } catch (error) {
    if (isUnsupportedByEndpoint(error))
      return add({ id: 'object-ownership', title, status: 'unsupported', fix: accept });
    if (httpStatusOf(error) === 404)
      return add({
        id: 'object-ownership',
        title,
        status: 'fail',
        detail: 'no ownership controls',
        fix: SETUP_FIX,
      });
    throw error;
  }
}

async function checkEncryption(bucket: string, s3: S3Client, add: Add) {
  const title = 'Default encryption is on';
  const accept = 'accept it for local development with --accept-unsupported default-encryption';
  try {
    const { ServerSideEncryptionConfiguration: c } = await s3.send(
      new GetBucketEncryptionCommand({ Bucket: bucket }),
    );
    const rules = c?.Rules ?? [];
    if (rules.length === 0)
      return add({
        id: 'default-encryption',
        title,
        status: 'unsupported',
        detail: 'the endpoint answers without any encryption setting',
        fix: accept,
      });
    const algorithm = rules[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
    add(
      algorithm
        ? { id: 'default-encryption', title, status: 'pass', detail: algorithm }
        : { id: 'default-encryption', title, status: 'fail', detail: 'no default algorithm', fix: SETUP_FIX },
    );
  } catch (error) {
    if (isUnsupportedByEndpoint(error))
      return add({ id: 'default-encryption', title, status: 'unsupported', fix: accept });
    if (httpStatusOf(error) === 404)
      return add({
        id: 'default-encryption',
        title,
        status: 'fail',
        detail: 'no default encryption',
        fix: SETUP_FIX,
      });
    throw error;
  }
}
