import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { awsErrorName, httpStatusOf } from '../aws-error.js';
import { CliError, EXIT } from '../errors.js';
import type { CommandContext } from '../io.js';
import { ProgressBar } from '../progress-bar.js';
import { TokenEndpoint } from '../token-endpoint.js';

export interface UploadOptions {
  files: string[];
  tokenUrl: string;
  token: string;
  /** Path under the user's prefix, e.g. `backups/2026/`. Default: none (files go right under the prefix). */
  to: string;
  /** Parts uploaded at once per file. Default 4: saturates a typical uplink without the memory of lib-storage's partSize x (queueSize + 1) growing past ~100 MiB. */
  concurrency: number;
  /** Part size in MiB. Default 16: fewer requests than 5 MiB, and a 10,000-part upload still reaches 156 GiB (it grows with larger files). */
  partSizeMiB: number;
  json: boolean;
}

const MiB = 1024 * 1024;
const MAX_PARTS = 10_000;

/**
 * `s3up upload`: uploads local files with credentials from the token server, as the
 * browser would, refreshing them on long runs. Files go to `<prefix><to><name>`.
 */
export async function runUpload(options: UploadOptions, ctx: CommandContext) {
  if (options.files.length === 0)
    throw new CliError('invalid_argument', 'upload needs at least one file: s3up upload report.pdf ...');
  if (
    options.to &&
    (!options.to.endsWith('/') || options.to.startsWith('/') || options.to.split('/').includes('..'))
  )
    throw new CliError(
      'invalid_argument',
      `--to "${options.to}" must be a relative folder ending with "/", e.g. backups/2026/.`,
    );
  const files: { path: string; size: number }[] = [];
  for (const path of options.files) {
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new Error('not a regular file');
      files.push({ path, size: info.size });
    } catch (error) {
      throw new CliError(
        'file_unreadable',
        `Cannot upload ${path}: ${(error as Error).message}. Pass regular files.`,
        { cause: error },
      );
    }
  }
  const endpoint = new TokenEndpoint({
    url: options.tokenUrl,
    token: options.token,
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
  });
  const first = await endpoint.current();
  const s3 = new S3Client({
    region: first.region,
    ...(first.endpoint ? { endpoint: first.endpoint } : {}),
    forcePathStyle: first.forcePathStyle === true,
    requestChecksumCalculation: first.requestChecksumCalculation ?? 'WHEN_SUPPORTED',
    responseChecksumValidation: first.requestChecksumCalculation ?? 'WHEN_SUPPORTED',
    // A provider, not a static object: the SDK asks again near `expiration`, and the endpoint refreshes.
    credentials: async () => {
      const c = await endpoint.current();
      return {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        expiration: c.expiration,
      };
    },
  });
  const results: { file: string; key: string; size: number }[] = [];
  try {
    for (const file of files) {
      const key = `${first.prefix}${options.to}${basename(file.path)}`;
      const partSize = Math.max(options.partSizeMiB * MiB, Math.ceil(file.size / MAX_PARTS));
      const bar = new ProgressBar(ctx.stderr, basename(file.path), file.size);
      const upload = new Upload({
        client: s3,
        params: {
          Bucket: first.bucket,
          Key: key,
          Body: createReadStream(file.path),
          ContentLength: file.size,
        },
        partSize,
        queueSize: options.concurrency,
        // On failure lib-storage aborts the multipart upload: no orphaned parts.
        leavePartsOnError: false,
      });
      upload.on('httpUploadProgress', (p) => bar.update(p.loaded ?? 0));
      try {
        await upload.done();
      } catch (error) {
        const status = httpStatusOf(error);
        throw new CliError(
          'upload_failed',
          `Uploading ${file.path} to ${key} failed (${awsErrorName(error)}${status ? `, HTTP ${status}` : ''})` +
            (status === 403 ? ': the token server credentials do not allow this key.' : '.'),
          { cause: error },
        );
      }
      bar.done(`${basename(file.path)} -> s3://${first.bucket}/${key} (${file.size} bytes)`);
      results.push({ file: file.path, key, size: file.size });
    }
  } finally {
    s3.destroy();
  }
  if (options.json)
    ctx.stdout.write(
      `${JSON.stringify({ bucket: first.bucket, uploads: results, credentialsIssued: endpoint.issued })}\n`,
    );
  else for (const r of results) ctx.stdout.write(`s3://${first.bucket}/${r.key}\n`);
  return EXIT.ok;
}
