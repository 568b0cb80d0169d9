import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AwsClients } from '../aws-clients.js';
import { httpStatusOf, toCliError } from '../aws-error.js';
import { required, type Settings } from '../config.js';
import { formatDuration } from '../duration.js';
import { CliError, EXIT } from '../errors.js';
import type { CommandContext } from '../io.js';

/** SigV4 presigned URLs live at most 7 days. */
export const MAX_PRESIGN_SECONDS = 604_800;

export interface ShareOptions {
  key: string;
  expiresSeconds: number;
  json: boolean;
  /** Sign even when the object does not exist (yet). Default false: a link to nothing is usually a typo. */
  allowMissing: boolean;
}

/**
 * `s3up share <key>`: a presigned GET URL. Refuses an expiry longer than SigV4 allows or
 * than the signing credentials live: a URL signed with temporary credentials dies with them,
 * so promising longer would hand out a link that breaks early.
 */
export async function runShare(
  settings: Settings,
  options: ShareOptions,
  ctx: CommandContext,
  clients: AwsClients,
) {
  const bucket = required(settings.bucket, '--bucket', 'S3UP_BUCKET');
  const key = options.key.replace(/^\/+/, '');
  if (!key)
    throw new CliError('invalid_argument', 'share needs an object key, e.g. s3up share reports/q3.pdf');
  if (options.expiresSeconds > MAX_PRESIGN_SECONDS)
    throw new CliError(
      'expiry_too_long',
      `--expires ${formatDuration(options.expiresSeconds)} is beyond what SigV4 allows (7d). Use --expires 7d or less.`,
    );
  const now = (ctx.now ?? (() => new Date()))();
  const identity = await clients.s3.config.credentials();
  if (identity.expiration) {
    const left = Math.floor((identity.expiration.getTime() - now.getTime()) / 1000);
    if (options.expiresSeconds > left)
      throw new CliError(
        'expiry_too_long',
        `--expires ${formatDuration(options.expiresSeconds)} outlives the signing credentials, which expire in ${formatDuration(Math.max(left, 0))} ` +
          `(${identity.expiration.toISOString()}); the link would stop working then. Use --expires ${formatDuration(Math.max(left, 1))} or less, or sign with long-term credentials (--profile).`,
      );
  }
  if (!options.allowMissing) {
    try {
      await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (httpStatusOf(error) === 404)
        throw new CliError(
          'not_found',
          `s3://${bucket}/${key} does not exist. Check the key, or pass --allow-missing to sign a link for an object still to come.`,
          { cause: error },
        );
      throw toCliError(error, `reading s3://${bucket}/${key}`);
    }
  }
  const url = await getSignedUrl(clients.s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
    expiresIn: options.expiresSeconds,
  });
  const expiresAt = new Date(now.getTime() + options.expiresSeconds * 1000).toISOString();
  if (options.json) ctx.stdout.write(`${JSON.stringify({ url, bucket, key, expiresAt })}\n`);
  else {
    ctx.stdout.write(`${url}\n`);
    ctx.stderr.write(`s3up: link to s3://${bucket}/${key}, valid until ${expiresAt}\n`);
  }
  return EXIT.ok;
}
