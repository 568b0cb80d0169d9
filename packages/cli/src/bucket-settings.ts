import {
  type CORSRule,
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  type LifecycleRule,
  PutBucketTaggingCommand,
} from '@aws-sdk/client-s3';
import type { AwsClients } from './aws-clients.js';
import { httpStatusOf } from './aws-error.js';
import { UNSUPPORTED_TAG } from './deployment-plan.js';

// How `setup` and `doctor` read a bucket's settings: one reader each, so both commands
// agree on what "no configuration" means (S3 answers 404 for it, not an empty list).

type S3 = AwsClients['s3'];

/** The bucket's CORS rules; none when it has no CORS configuration (404). */
export async function readCorsRules(s3: S3, Bucket: string): Promise<CORSRule[]> {
  try {
    return (await s3.send(new GetBucketCorsCommand({ Bucket }))).CORSRules ?? [];
  } catch (error) {
    if (httpStatusOf(error) === 404) return [];
    throw error;
  }
}

/**
 * The bucket's lifecycle rules, or `undefined` when it has no lifecycle configuration
 * (404). Other errors (403, an endpoint without the API) are thrown for the caller to judge.
 */
export async function readLifecycleRules(s3: S3, Bucket: string): Promise<LifecycleRule[] | undefined> {
  try {
    return (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules ?? [];
  } catch (error) {
    if (httpStatusOf(error) === 404) return undefined;
    throw error;
  }
}

/** The four Block Public Access settings; all off when the bucket has none (404). */
export async function readPublicAccessBlock(s3: S3, Bucket: string) {
  try {
    const { PublicAccessBlockConfiguration: c } = await s3.send(new GetPublicAccessBlockCommand({ Bucket }));
    return {
      BlockPublicAcls: c?.BlockPublicAcls === true,
      IgnorePublicAcls: c?.IgnorePublicAcls === true,
      BlockPublicPolicy: c?.BlockPublicPolicy === true,
      RestrictPublicBuckets: c?.RestrictPublicBuckets === true,
    };
  } catch (error) {
    if (httpStatusOf(error) !== 404) throw error;
    return {
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    };
  }
}

/** What `setup` proved this endpoint cannot do, from the bucket tag `s3up:unsupported`. */
export async function readUnsupportedTag(s3: S3, Bucket: string): Promise<string[]> {
  try {
    const { TagSet } = await s3.send(new GetBucketTaggingCommand({ Bucket }));
    return (TagSet?.find((t) => t.Key === UNSUPPORTED_TAG)?.Value ?? '').split('+').filter(Boolean);
  } catch (error) {
    if (httpStatusOf(error) === 404) return [];
    throw error;
  }
}

/** Adds `name` to the bucket tag `s3up:unsupported`, keeping the owner's other tags. */
export async function recordUnsupported(s3: S3, Bucket: string, name: string) {
  let tags: { Key: string; Value: string }[] = [];
  try {
    const { TagSet } = await s3.send(new GetBucketTaggingCommand({ Bucket }));
    tags = (TagSet ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
  } catch (error) {
    if (httpStatusOf(error) !== 404) throw error;
  }
  const current = (tags.find((t) => t.Key === UNSUPPORTED_TAG)?.Value ?? '').split('+').filter(Boolean);
  const value = [...new Set([...current, name])].join('+');
  // PutBucketTagging replaces the whole set: keep the owner's other tags.
  const TagSet = [...tags.filter((t) => t.Key !== UNSUPPORTED_TAG), { Key: UNSUPPORTED_TAG, Value: value }];
  await s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet } }));
}
