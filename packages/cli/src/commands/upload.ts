import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { keyProblem, objectKey, parseCredentialsResponse } from '@s3up/contract';
import { type UploadError, Uploader, type UploadTask } from '@s3up/core';
import { CliError, EXIT, type ExitCode } from '../errors.js';
import { defaultResumeFile, FileResumeStore } from '../file-resume-store.js';
import type { CommandContext } from '../io.js';
import { credentialsUrl } from '../token-url.js';
import { formatBytes, progressFigures, UploadProgressDisplay } from '../upload-progress-display.js';

export interface UploadOptions {
  files: string[];
  tokenUrl: string;
  token: string;
  /** Path under the user's prefix, e.g. `backups/2026/`. Default: none (files go right under the prefix). */
  to: string;
  /** Requests in flight across all files. Default 4: saturates a typical uplink without holding more than 4 parts in memory. */
  concurrency: number;
  /** Part size in MiB. Default 16: fewer requests than 5 MiB, and a 10,000-part upload still reaches 156 GiB (it grows with larger files). */
  partSizeMiB: number;
  json: boolean;
  /** The resume records' file. Default `$XDG_STATE_HOME/s3up/uploads.json` (`S3UP_RESUME_FILE`). */
  resumeFile?: string;
}

const MiB = 1024 * 1024;

interface Outcome {
  file: string;
  task: UploadTask;
  key?: string;
  error?: UploadError;
}

/**
 * `s3up upload`: uploads local files with `@s3up/core`, the engine the browser uses:
 * credentials from the token server (refreshed before they expire), files read with
 * `fs.openAsBlob` (never whole in memory), resume records in a file, so that Ctrl-C pauses
 * and the same command run again continues the same multipart uploads. Files go to
 * `<prefix><to><name>`.
 */
export async function runUpload(options: UploadOptions, ctx: CommandContext): Promise<ExitCode> {
  if (options.files.length === 0)
    throw new CliError('invalid_argument', 'upload needs at least one file: s3up upload report.pdf ...');
  // The folder obeys the contract's safe-key rules, as every key does (no "..", no leading "/", no U+202E ...).
  const folderProblem = options.to ? keyProblem(options.to.slice(0, -1)) : undefined;
  if (options.to && (!options.to.endsWith('/') || folderProblem))
    throw new CliError(
      'invalid_argument',
      `--to "${options.to}" must be a relative folder ending with "/", e.g. backups/2026/` +
        (folderProblem ? `; it ${folderProblem}.` : '.'),
    );
  const files: { path: string; size: number; mtimeMs: number }[] = [];
  for (const path of options.files) {
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new Error('not a regular file');
      files.push({ path, size: info.size, mtimeMs: info.mtimeMs });
    } catch (error) {
      throw new CliError(
        'file_unreadable',
        `Cannot upload ${path}: ${(error as Error).message}. Pass regular files.`,
        { cause: error },
      );
    }
  }
  const url = credentialsUrl(options.tokenUrl);
  const baseFetch = ctx.fetch ?? fetch;
  let issued = 0;
  let bucket: string | undefined;
  // The engine parses the answer; the CLI only counts them and learns the bucket to print.
  const countingFetch: typeof fetch = async (input, init) => {
    const response = await baseFetch(input, init);
    if (response.ok) {
      issued += 1;
      try {
        bucket = parseCredentialsResponse(await response.clone().json()).bucket;
      } catch {
        // the engine reports an unusable answer itself
      }
    }
    return response;
  };
  const store = new FileResumeStore(
    options.resumeFile ?? ctx.env.S3UP_RESUME_FILE ?? defaultResumeFile(ctx.env),
  );
  const uploader = new Uploader({
    credentials: {
      url,
      fetch: countingFetch,
      request: (init) => ({
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${options.token}` },
      }),
    },
    concurrency: options.concurrency,
    partSize: options.partSizeMiB * MiB,
    resumeStore: store,
    // A command-line upload stores the file's own bytes (backups, checksums compared later):
    // the engine's photo step (location removal by default) is for pages that share photos.
    images: false,
    // The engine's own key rule (cleaned, shortened to 1024 bytes keeping the extension).
    keyFor: (file, { prefix }) => objectKey(`${prefix}${options.to}`, file.name),
    network: null,
  });
  const display = new UploadProgressDisplay(ctx.stderr);
  const outcomes = new Map<string, Outcome>();
  uploader.addEventListener('upload-progress', (e) => display.update(e.detail.task));
  uploader.addEventListener('upload-succeeded', (e) => {
    const outcome = outcomes.get(e.detail.task.id);
    if (outcome) outcome.key = e.detail.key;
    display.update(e.detail.task);
    display.line(
      `${e.detail.task.name} -> s3://${bucket ?? '?'}/${e.detail.key} (${formatBytes(e.detail.size)}${e.detail.task.resumed ? ', resumed' : ''})`,
    );
  });
  uploader.addEventListener('upload-failed', (e) => {
    const outcome = outcomes.get(e.detail.task.id);
    if (outcome) outcome.error = e.detail.error;
    display.line(`${e.detail.task.name} failed (${e.detail.error.code})`);
  });

  let interrupted = false;
  let onInterrupt: () => void = () => {};
  const interruptedPromise = new Promise<void>((resolve) => {
    onInterrupt = resolve;
  });
  const unsubscribe = ctx.onInterrupt?.(() => {
    interrupted = true;
    onInterrupt();
  });
  const allDone = new Promise<void>((resolve) =>
    uploader.addEventListener('all-done', () => resolve(), { once: true }),
  );
  try {
    for (const file of files) {
      const blob = await openAsBlob(file.path);
      // A File with the modification time: part of the resume fingerprint, so an edited
      // file starts over instead of continuing someone else's parts.
      const task = uploader.add(
        new File([blob], basename(file.path), { lastModified: Math.floor(file.mtimeMs) }),
      );
      outcomes.set(task.id, { file: file.path, task });
    }
    display.add([...outcomes.values()].map((o) => o.task));
    await Promise.race([allDone, interruptedPromise]);
    if (interrupted) {
      // Pause, do not cancel: the parts and UploadIds stay, recorded in the resume file.
      await uploader.destroy({ keepResumable: true });
      await store.flush();
      const open = [...outcomes.values()].filter((o) => o.task.state !== 'succeeded');
      for (const { task } of open) {
        const { percent, done, size } = progressFigures(task);
        display.line(`${task.name} paused at ${percent}% (${done} of ${size})`);
      }
      display.stop();
      ctx.stderr.write(
        `\nInterrupted: ${open.length} upload(s) paused, their parts kept. Run the same command again to resume ` +
          `(records in ${store.path}; the bucket's lifecycle rule removes parts that are never resumed).\n`,
      );
      return EXIT.interrupted;
    }
  } finally {
    unsubscribe?.();
    display.stop();
  }
  await uploader.destroy({ keepResumable: true });
  await store.flush();

  const results = [...outcomes.values()];
  const failed = results.filter((o) => o.error);
  if (options.json)
    ctx.stdout.write(
      `${JSON.stringify({
        bucket,
        uploads: results
          .filter((o) => o.key)
          .map((o) => ({ file: o.file, key: o.key, size: o.task.size, resumed: o.task.resumed })),
        failed: failed.map((o) => ({ file: o.file, code: o.error!.code, message: o.error!.message })),
        credentialsIssued: issued,
      })}\n`,
    );
  else for (const o of results) if (o.key) ctx.stdout.write(`s3://${bucket}/${o.key}\n`);
  if (failed.length === 0) return EXIT.ok;
  for (const o of failed) ctx.stderr.write(`s3up: ${describeFailure(o, options)}\n`);
  // One cause for the exit status: the token server's refusal or an unreachable endpoint say more than "failed".
  const first = failed[0]!.error!;
  if (first.code === 'credentials' && (first.status === 401 || first.status === 403)) return EXIT.refused;
  if (first.code === 'access-denied') return EXIT.refused;
  if (first.code === 'network') return EXIT.unreachable;
  return EXIT.checkFailed;
}

function describeFailure(o: Outcome, options: UploadOptions): string {
  const error = o.error!;
  const where = `Uploading ${resolve(o.file)}`;
  if (error.code === 'credentials' && error.status === 401)
    return `${where}: the token server refused the token (401): pass a valid, unexpired JWT with --token (or S3UP_TOKEN).`;
  if (error.code === 'credentials' && error.status === 403)
    return `${where}: the token server refused this identity (403): it may not upload.`;
  if (error.code === 'credentials')
    return `${where}: the token server at ${options.tokenUrl} did not give usable credentials (${error.message}) Check --token-url.`;
  if (error.code === 'network')
    return `${where} failed: the network or the endpoint did not answer after retries (${error.message}) Run the same command again to resume.`;
  return `${where} failed (${error.code}): ${error.message}`;
}
