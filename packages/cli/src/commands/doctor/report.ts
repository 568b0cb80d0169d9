import { awsErrorName, httpStatusOf, noAnswer } from '../../aws-error.js';
import type { Settings } from '../../config.js';
import { UNSUPPORTED_LABEL } from '../../endpoint-support.js';
import { EXIT, type ExitCode } from '../../errors.js';
import type { Output } from '../../io.js';

/**
 * `unsupported`: the endpoint does not implement the setting. Never a pass: it counts
 * as a failure unless the operator accepts it (`--accept-unsupported <id>`), and even
 * then it prints as "unsupported (accepted)".
 */
export type CheckStatus = 'pass' | 'fail' | 'unsupported' | 'skip';
export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  accepted?: boolean;
  detail?: string;
  fix?: string;
  /** The check failed because nothing answered (refused, unresolvable, timed out): exit 4. */
  unreachable?: boolean;
}

export type Add = (result: CheckResult) => void;

/** The fix for anything `setup` makes right (setup takes each of these flags; doctor's --no-probe it does not). */
export const SETUP_FIX =
  'run `s3up setup --apply` with the same --bucket, --role, --origin and --token-service';

/** Every check, in report order: each appears in every report, as pass, fail, unsupported or skip. */
export const CHECKS: Record<string, string> = {
  'bucket-reachable': 'Bucket is reachable',
  'bucket-region': 'The bucket is in --region',
  'cors-origins': 'CORS allows the app origins, and not every origin',
  'cors-methods': 'CORS allows the upload methods',
  'cors-headers': 'CORS allows the authorization and x-amz-* headers',
  'cors-expose-etag': 'CORS exposes ETag',
  'cors-expose-checksums': 'CORS exposes the object checksum headers',
  'cors-preflight': 'CORS preflight for a part upload succeeds',
  'lifecycle-abort-incomplete': 'Lifecycle rule aborts incomplete multipart uploads (1 to 7 days)',
  'public-access-block': 'Block Public Access is on',
  'object-ownership': 'Object Ownership is BucketOwnerEnforced (ACLs off)',
  'default-encryption': 'Default encryption is on',
  'role-trust': 'The role trusts the token service, and only it (sts:AssumeRole)',
  'role-session-duration': 'The role allows the configured session length',
  'role-permissions': "The role may do what the token server's sessions do (--scope)",
  'probe-assume-role': 'Assume the role with a session policy, as the token server does',
  'probe-multipart': 'Start, list and abort a multipart upload inside the session prefix',
  'probe-list-parts': 'ListParts works inside the session prefix (resume)',
  'probe-outside-denied': 'A write outside the session prefix is denied',
  'probe-delete': 'A delete-scope session removes an object inside the session prefix',
  'probe-delete-abort': 'A delete-scope session aborts a multipart upload in flight',
  'probe-delete-outside-denied': 'A delete outside the session prefix is denied',
};

/**
 * Detail and fix for a call that failed: what answered, or why nothing did (then the
 * check is marked `unreachable`, and doctor exits 4 as the README's table says).
 */
export function failureOf(
  error: unknown,
  what: string,
  settings: Pick<Settings, 'endpoint'>,
): Pick<CheckResult, 'detail' | 'fix' | 'unreachable'> {
  const status = httpStatusOf(error);
  if (status !== undefined)
    return {
      detail: `${what} answered ${status} (${awsErrorName(error)})`,
      fix:
        status === 403
          ? 'the identity in use may not do this: use the bucket owner for S3 (--profile) and an IAM administrator for IAM (--iam-profile)'
          : 'check --endpoint, --region and the endpoint log',
    };
  const none = noAnswer(error, settings.endpoint ?? 'AWS');
  if (none) return { detail: `${what}: ${none.reason}`, fix: none.fix, unreachable: true };
  return {
    detail: `${what} failed (${awsErrorName(error)})`,
    fix: 'check --endpoint, --region and the network',
  };
}

/** The checklist as it is filled in: accepted unsupported checks are marked as they arrive. */
export class DoctorReport {
  readonly checks: CheckResult[] = [];
  readonly #accepted: readonly string[];

  constructor(acceptUnsupported: readonly string[]) {
    this.#accepted = acceptUnsupported;
  }

  add: Add = (result) => {
    if (result.status === 'unsupported' && this.#accepted.includes(result.id)) result.accepted = true;
    this.checks.push(result);
  };

  get failed(): CheckResult[] {
    return this.checks.filter((r) => r.status === 'fail' || (r.status === 'unsupported' && !r.accepted));
  }

  /** Skips every listed check that has no result yet, with the reason. */
  skip(ids: readonly string[], reason: string): void {
    for (const id of ids)
      if (!this.checks.some((c) => c.id === id))
        this.add({ id, title: CHECKS[id] ?? id, status: 'skip', detail: reason });
  }

  /** 4 when a failure was "nothing answered", 1 for any other failure, else 0. */
  get exitCode(): ExitCode {
    const failed = this.failed;
    if (failed.some((r) => r.unreachable)) return EXIT.unreachable;
    return failed.length ? EXIT.checkFailed : EXIT.ok;
  }

  /** One line per check, a `fix:` line under each failure, and a summary. */
  writeText(out: Output): void {
    // The width of [pass]/[FAIL]/[skip]: the rare long "not supported by this endpoint" label
    // overflows its column rather than pushing every line 40 columns to the right.
    const width = 6;
    for (const r of this.checks) {
      out.write(`${label(r).padEnd(width)}  ${r.title}${r.detail ? ` (${r.detail})` : ''}\n`);
      if (r.fix && (r.status === 'fail' || (r.status === 'unsupported' && !r.accepted)))
        out.write(`${''.padEnd(width)}  fix: ${r.fix}\n`);
    }
    const ids = [...new Set(this.failed.map((r) => r.id))];
    out.write(
      ids.length ? `\n${ids.length} check(s) need attention: ${ids.join(', ')}\n` : '\nAll checks passed.\n',
    );
  }
}

function label(r: CheckResult): string {
  if (r.status === 'pass') return '[pass]';
  if (r.status === 'fail') return '[FAIL]';
  if (r.status === 'skip') return '[skip]';
  return r.accepted ? `[${UNSUPPORTED_LABEL}, accepted]` : `[${UNSUPPORTED_LABEL}]`;
}

/** A check that cannot even read its setting is a failure on the list, not a crash of the whole report. */
export async function guarded(
  id: string,
  what: string,
  settings: Pick<Settings, 'endpoint'>,
  add: Add,
  check: () => Promise<unknown>,
) {
  try {
    await check();
  } catch (error) {
    add({
      id,
      title: `${what} could be read`,
      status: 'fail',
      ...failureOf(error, `reading the ${what}`, settings),
    });
  }
}
