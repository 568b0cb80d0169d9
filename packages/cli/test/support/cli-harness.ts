import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { LocalS3 } from '@s3up/testkit';
import { s3Config, type TemporaryKeys } from '@s3up/testkit';
// The declarations behind inject('localS3') and inject('tokenServer').
import type {} from '@s3up/testkit/global-setup';
import type {} from '@s3up/testkit/provided-token-server';
import type { AwsClients } from '../../src/aws-clients.js';
import type { CommandContext } from '../../src/io.js';
import { runCli } from '../../src/program.js';

/** Captures what a command writes. */
export class Buffered {
  text = '';
  isTTY = false;
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

/**
 * The clients an operator would have on the local backend: the bucket owner (tokensvc)
 * for S3, the admin for IAM, and the token service for STS (the role trusts it).
 */
export function localClients(local: LocalS3, s3Keys: TemporaryKeys = local.service): AwsClients {
  const common = { endpoint: local.endpoint, region: local.region, maxAttempts: 1 };
  return {
    s3: new S3Client(s3Config(local, s3Keys)),
    iam: new IAMClient({ ...common, credentials: local.admin }),
    sts: new STSClient({ ...common, credentials: local.service }),
  };
}

/** Flags pointing the CLI at the local backend. */
export function localFlags(local: LocalS3): string[] {
  return [
    '--endpoint',
    local.endpoint,
    '--region',
    local.region,
    '--force-path-style',
    '--checksums',
    'WHEN_REQUIRED',
  ];
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `s3up <argv>` in-process with injected clients; the environment is empty unless given. */
export async function s3up(
  argv: string[],
  options: { clients?: AwsClients; env?: Record<string, string>; fetch?: typeof fetch; cwd?: string } = {},
): Promise<CliRun> {
  const stdout = new Buffered();
  const stderr = new Buffered();
  const ctx: CommandContext = {
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? '/nonexistent-s3up-cwd',
    ...(options.clients ? { clients: () => options.clients! } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const code = await runCli(argv, ctx);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
