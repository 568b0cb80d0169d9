import type { AwsClients } from '../../aws-clients.js';
import { required, type Settings } from '../../config.js';
import type { CommandContext } from '../../io.js';
import { checkBucket } from './bucket-checks.js';
import { PROBE_CHECKS, probe } from './live-probe.js';
import { CHECKS, DoctorReport } from './report.js';
import { checkRole, ROLE_CHECKS } from './role-checks.js';

export type { CheckResult, CheckStatus } from './report.js';

export interface DoctorOptions {
  json: boolean;
  /** Skip the live probe (AssumeRole, multipart, denied write). Default false. */
  noProbe: boolean;
}

/**
 * `s3up doctor`: checks a live deployment and prints a checklist in which every check
 * appears (pass, fail with a fix, not supported by this endpoint, or skip with the
 * reason). Exit 1 when any check fails (or is unsupported and not accepted), 4 when a
 * failure is that nothing answered.
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
  const now = ctx.now?.() ?? new Date();

  const { reachable, unreachable } = await checkBucket(
    bucket,
    settings,
    clients.s3,
    report,
    ctx.fetch ?? fetch,
  );
  let roleArn: string | undefined;
  let roleOk = false;
  // On an S3-compatible server IAM and STS answer at the same endpoint: when it did not
  // answer the bucket check, asking again only makes the operator wait.
  if (unreachable && settings.endpoint) {
    report.skip([...ROLE_CHECKS, ...PROBE_CHECKS], `${settings.endpoint} did not answer`);
  } else {
    ({ roleArn, roleOk } = await checkRole({
      role,
      bucket,
      settings,
      iam: clients.iam,
      add: report.add,
      probing: !options.noProbe && reachable,
      now,
    }));
    if (options.noProbe) report.skip(PROBE_CHECKS, '--no-probe');
    else if (!reachable) report.skip(PROBE_CHECKS, 'the bucket is not reachable');
    else await probe({ bucket, roleArn, settings, clients, report, roleOk });
  }
  // A safety net: a check no path reported would vanish from the list.
  report.skip(Object.keys(CHECKS), 'not reached');

  const exit = report.exitCode;
  if (options.json) {
    ctx.stdout.write(
      `${JSON.stringify({ ok: exit === 0, bucket, role: roleArn ?? role, checks: report.checks }, null, 2)}\n`,
    );
  } else {
    report.writeText(ctx.stdout);
  }
  return exit;
}
