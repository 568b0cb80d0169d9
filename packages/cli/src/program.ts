import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { type AwsClients, createAwsClients } from './aws-clients.js';
import { runDoctor } from './commands/doctor/index.js';
import { runGrant } from './commands/grant.js';
import { runRevoke } from './commands/revoke.js';
import { runSetup } from './commands/setup.js';
import { runShare } from './commands/share.js';
import { runUpload } from './commands/upload.js';
import { loadSettings, type Settings } from './config.js';
import { CREDENTIAL_FORMATS, type CredentialFormat } from './credential-formats.js';
import { parseDuration } from './duration.js';
import { CliError, EXIT, isCliError } from './errors.js';
import type { CommandContext } from './io.js';

const EXIT_HELP = `
Exit status:
  0  done; every check passed
  1  doctor found a failing check (or an unsupported one not accepted); setup could not apply a step; an upload failed
  2  bad flags, environment or config file (nothing was sent)
  3  AWS or the token server refused (access denied, not found, STS limits)
  4  the endpoint, STS or the token server could not be reached
  130  upload interrupted (Ctrl-C): paused, the same command resumes

Configuration: flags, then environment (S3UP_BUCKET, S3UP_REGION, S3UP_ENDPOINT, S3UP_ROLE_ARN,
S3UP_FORCE_PATH_STYLE, S3UP_CHECKSUMS, S3UP_ORIGINS, S3UP_TOKEN_SERVICE_PRINCIPAL, ...), then the
config file (--config, S3UP_CONFIG, or ./s3up.config.json). AWS credentials come from the SDK's
chain (AWS_PROFILE, AWS_ACCESS_KEY_ID..., instance or task role) or --profile.`;

/** From package.json, found relative to this file in src/ and in dist/ alike. */
function packageVersion(): string {
  try {
    return (
      JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
  } catch {
    return 'unknown';
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Runs the `s3up` command line. Everything external is injected (streams, environment,
 * AWS clients, fetch) so tests run it in-process.
 *
 * @example
 * const code = await runCli(['doctor', '--json'], { stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function runCli(argv: string[], ctx: CommandContext): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('s3up')
    .version(packageVersion(), '-V, --version')
    .description(
      'Set up, check and operate an s3up deployment (direct-to-S3 uploads with scoped temporary credentials).',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)')
    // `s3up doctor --help` then lists --bucket, --role, --endpoint, --region... too.
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', EXIT_HELP)
    .option('--config <file>', 'JSON config file (default ./s3up.config.json when present)')
    .option('--bucket <name>', 'upload bucket (S3UP_BUCKET)')
    .option('--region <region>', 'bucket region (S3UP_REGION, AWS_REGION; default us-east-1)')
    .option('--endpoint <url>', 'S3/STS/IAM endpoint for S3-compatible servers; unset on AWS (S3UP_ENDPOINT)')
    .option(
      '--force-path-style',
      'path-style S3 addressing, for S3-compatible servers (S3UP_FORCE_PATH_STYLE)',
    )
    .addOption(
      new Option('--checksums <mode>', 'request checksums (S3UP_CHECKSUMS; default WHEN_SUPPORTED)').choices([
        'WHEN_SUPPORTED',
        'WHEN_REQUIRED',
      ]),
    )
    .option('--role <arn-or-name>', 'the uploader role (S3UP_ROLE_ARN)')
    .option(
      '--profile <name>',
      'AWS profile for S3 (the bucket owner), and for IAM and STS unless set apart below (AWS_PROFILE; default the SDK chain)',
    )
    .option(
      '--sts-profile <name>',
      'AWS profile for AssumeRole: the token service identity (S3UP_STS_PROFILE; default --profile)',
    )
    .option(
      '--request-timeout <duration>',
      'longest wait for one AWS call attempt, connecting included (S3UP_REQUEST_TIMEOUT; default 5s; two attempts)',
    )
    .option(
      '--iam-profile <name>',
      'AWS profile for IAM: an administrator, where the backend keeps it apart from the bucket owner (S3UP_IAM_PROFILE; default --profile)',
    );

  const settingsOf = (command: Command): Settings =>
    loadSettings(command.optsWithGlobals(), ctx.env, ctx.cwd);
  const clientsOf = (settings: Settings): AwsClients => (ctx.clients ?? createAwsClients)(settings);
  const run =
    (fn: (command: Command) => Promise<number>) =>
    async (...args: unknown[]) => {
      exitCode = await fn(args[args.length - 1] as Command);
    };

  program
    .command('setup')
    .description(
      'print (or --apply) the role, bucket CORS, lifecycle and hygiene settings a deployment needs; idempotent',
    )
    .option(
      '--origin <origin>',
      'app origin allowed by CORS, repeatable (S3UP_ORIGINS, comma-separated)',
      collect,
    )
    .option(
      '--token-service <arn>',
      "the token service's principal ARN, trusted by the role (S3UP_TOKEN_SERVICE_PRINCIPAL)",
    )
    .option(
      '--max-session-duration <duration>',
      "role's MaxSessionDuration, 1h to 12h (default 12h: grants up to 12h)",
    )
    .option('--session-duration <duration>', 'session length the token server asks for (default 1h)')
    .option(
      '--abort-incomplete-days <days>',
      'days before incomplete multipart uploads are aborted, 1 to 7 (default 1)',
    )
    .option(
      '--accept-unsupported <step-id>',
      'a step the endpoint does not support does not fail the run (local development), repeatable (S3UP_ACCEPT_UNSUPPORTED)',
      collect,
    )
    .option(
      '--replace-cors',
      "replace the bucket's CORS rules instead of merging the app origins into them",
      false,
    )
    .option('--apply', 'apply the plan (default: print what would change)', false)
    .option('--json', 'machine-readable output', false)
    .addHelpText(
      'after',
      '\nExample:\n  s3up setup --bucket uploads --role s3up-uploader --origin https://app.example.com \\\n    --token-service arn:aws:iam::123456789012:role/token-server --apply',
    )
    .action(
      run(async (command) => {
        const settings = settingsOf(command);
        const opts = command.opts<{ apply: boolean; json: boolean; replaceCors: boolean }>();
        return runSetup(settings, opts, ctx, clientsOf(settings));
      }),
    );

  program
    .command('doctor')
    .description(
      'check a live deployment and print a checklist (pass, fail with a fix, skip with a reason); exit 1 on any failure, 4 when nothing answers',
    )
    .option('--origin <origin>', 'app origin to check, repeatable (S3UP_ORIGINS)', collect)
    .option('--token-service <arn>', 'principal the role must trust (S3UP_TOKEN_SERVICE_PRINCIPAL)')
    .option(
      '--scope <scope>',
      'a scope the token server offers (its `scopes` option), repeatable or comma-separated: upload, read, list, delete (S3UP_SCOPES; default upload). Each is checked in the role and probed live',
      collect,
    )
    .option(
      '--session-duration <duration>',
      'session length the token server asks for (S3UP_SESSION_DURATION; default 1h)',
    )
    .option(
      '--accept-unsupported <check-id>',
      'count a check the endpoint does not support as accepted (local development), repeatable (S3UP_ACCEPT_UNSUPPORTED)',
      collect,
    )
    .option(
      '--no-probe',
      'skip the live probe (AssumeRole as the token server, multipart, ListParts, denied write)',
    )
    .option('--json', 'machine-readable output', false)
    .action(
      run(async (command) => {
        const settings = settingsOf(command);
        const opts = command.opts<{ probe: boolean; json: boolean }>();
        return runDoctor(settings, { json: opts.json, noProbe: !opts.probe }, ctx, clientsOf(settings));
      }),
    );

  program
    .command('share')
    .description('print a presigned GET URL for an object')
    .argument('<key>', 'object key in the bucket')
    .option(
      '--expires <duration>',
      'lifetime, at most 7d and at most what the signing credentials have left (default 1h)',
      '1h',
    )
    .option('--allow-missing', 'sign even if the object does not exist yet', false)
    .option('--json', 'machine-readable output', false)
    .action(
      run(async (command) => {
        const settings = settingsOf(command);
        const opts = command.opts<{ expires: string; allowMissing: boolean; json: boolean }>();
        return runShare(
          settings,
          {
            key: command.args[0] ?? '',
            expiresSeconds: parseDuration(opts.expires, '--expires'),
            allowMissing: opts.allowMissing,
            json: opts.json,
          },
          ctx,
          clientsOf(settings),
        );
      }),
    );

  program
    .command('grant')
    .description('issue read-only temporary credentials for one prefix, for a partner; audited')
    .requiredOption('--prefix <prefix>', 'key prefix the grant is confined to, e.g. reports/2026-q3/')
    .option('--read', 'read objects under the prefix (required: grants are read-only)', false)
    .option('--list', 'also list the prefix', false)
    .option('--expires <duration>', "lifetime (default 1h; at most the role's MaxSessionDuration)", '1h')
    .option('--for <who>', 'who receives it, recorded in the audit log and the session name', 'partner')
    .addOption(
      new Option('--format <format>', 'output format').choices([...CREDENTIAL_FORMATS]).default('env'),
    )
    .option('--name <name>', 'profile or rclone remote name in the output', 's3up-grant')
    .option('--audit-log <file>', 'append the audit line here (S3UP_AUDIT_LOG; default standard error)')
    .action(
      run(async (command) => {
        const settings = settingsOf(command);
        const opts = command.opts<{
          prefix: string;
          read: boolean;
          list: boolean;
          expires: string;
          for: string;
          format: CredentialFormat;
          name: string;
        }>();
        return runGrant(
          settings,
          { ...opts, expiresSeconds: parseDuration(opts.expires, '--expires') },
          ctx,
          clientsOf(settings),
        );
      }),
    );

  program
    .command('revoke')
    .description('deny every session of the role issued before a time (aws:TokenIssueTime)')
    .requiredOption('--before <time>', '"now" or an ISO 8601 time, e.g. 2026-11-28T23:00:00Z')
    .option('--dry-run', 'print the policy without attaching it', false)
    .option('--json', 'machine-readable output', false)
    .option(
      '--redis-url <url>',
      'the Redis your token-server instances share (S3UP_REDIS_URL): they drop cached sessions issued before the cut-off',
    )
    .option('--redis-namespace <prefix>', "their key namespace, if you gave them one (default 's3up:')")
    .action(
      run(async (command) => {
        const settings = settingsOf(command);
        const opts = command.opts<{
          before: string;
          dryRun: boolean;
          json: boolean;
          redisUrl?: string;
          redisNamespace?: string;
        }>();
        const redisUrl = opts.redisUrl ?? (process.env.S3UP_REDIS_URL || undefined);
        return runRevoke(settings, { ...opts, redisUrl }, ctx, clientsOf(settings));
      }),
    );

  program
    .command('upload')
    .description(
      'upload files with credentials from the token server, with progress; Ctrl-C pauses, the same command resumes',
    )
    .argument('<files...>', 'files to upload')
    .option('--token-url <url>', "the token server's credentials URL (S3UP_TOKEN_URL)")
    .option(
      '--token <jwt>',
      'bearer token for the token server (S3UP_TOKEN; prefer the variable: flags show in ps)',
    )
    .option('--to <folder/>', 'folder under your prefix', '')
    .option('--concurrency <n>', 'requests in flight across all files (default 4)', '4')
    .option('--part-size <MiB>', 'part size in MiB, at least 5 (default 16; grows for huge files)', '16')
    .option(
      '--resume-file <file>',
      'where interrupted uploads are remembered (S3UP_RESUME_FILE; default $XDG_STATE_HOME/s3up/uploads.json)',
    )
    .option('--json', 'machine-readable output', false)
    .action(
      run(async (command) => {
        const opts = command.opts<{
          tokenUrl?: string;
          token?: string;
          to: string;
          concurrency: string;
          partSize: string;
          resumeFile?: string;
          json: boolean;
        }>();
        const tokenUrl = opts.tokenUrl ?? ctx.env.S3UP_TOKEN_URL;
        const token = opts.token ?? ctx.env.S3UP_TOKEN;
        if (!tokenUrl)
          throw new CliError(
            'invalid_config',
            '--token-url is required: pass --token-url or set S3UP_TOKEN_URL.',
          );
        if (!token)
          throw new CliError('invalid_config', '--token is required: set S3UP_TOKEN (or pass --token).');
        const concurrency = Number(opts.concurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32)
          throw new CliError(
            'invalid_argument',
            `--concurrency must be a whole number from 1 to 32; got "${opts.concurrency}".`,
          );
        const partSizeMiB = Number(opts.partSize);
        if (!Number.isInteger(partSizeMiB) || partSizeMiB < 5 || partSizeMiB > 5120)
          throw new CliError(
            'invalid_argument',
            `--part-size must be a whole number of MiB from 5 to 5120; got "${opts.partSize}".`,
          );
        return runUpload(
          {
            files: command.args,
            tokenUrl,
            token,
            to: opts.to,
            concurrency,
            partSizeMiB,
            json: opts.json,
            ...(opts.resumeFile ? { resumeFile: opts.resumeFile } : {}),
          },
          ctx,
        );
      }),
    );

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (isCliError(error)) {
      ctx.stderr.write(`s3up: ${error.message}\n`);
      return error.exitCode;
    }
    ctx.stderr.write(`s3up: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT.checkFailed;
  }
}
