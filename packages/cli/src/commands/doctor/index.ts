import type { AwsClients } from '../../aws-clients.js';
import { required, type Settings } from '../../config.js';
import type { CommandContext } from '../../io.js';
import { checkBucket } from './bucket-checks.js';
import { probe } from './live-probe.js';
import { DoctorReport } from './report.js';
import { checkRole } from './role-checks.js';

export type { CheckResult, CheckStatus } from './report.js';

export interface DoctorOptions {
  json: boolean;
  /** Skip the live probe (AssumeRole, multipart, denied write). Default false. */
  noProbe: boolean;
}

/**
 * `s3up doctor`: checks a live deployment and prints a checklist. Exit 1 when any check
 * fails (or is unsupported and not accepted).
 */
export async function runDoctor(
  settings: Settings,
  options: DoctorOptions,
  ctx: CommandContext,
  clients: AwsClients,
) {
  const bucket = required(settings.bucket, '--bucket', 'S3UP_BUCKET');
  const role = required(settings.role, '--role', 'S3UP_ROLE_ARN');
  const report = new DoctorReport(settings.acceptUnsupported);
  const { add } = report;

  const { reachable } = await checkBucket(bucket, settings, clients.s3, add, ctx.fetch ?? fetch);
  const { roleArn, roleOk } = await checkRole(role, bucket, settings, clients.iam, add);

  if (options.noProbe) {
    add({ id: 'probe', title: 'Live probe', status: 'skip', detail: '--no-probe' });
  } else if (!reachable) {
    add({ id: 'probe', title: 'Live probe', status: 'skip', detail: 'the bucket is not reachable' });
  } else {
    await probe(bucket, roleArn, settings, clients, add, roleOk);
  }

  const exit = report.exitCode;
  if (options.json) {
    ctx.stdout.write(
      `${JSON.stringify({ ok: exit === 0, bucket, role: roleArn, checks: report.checks }, null, 2)}\n`,
    );
  } else {
    report.writeText(ctx.stdout);
  }
  return exit;
}
