import { awsErrorName, httpStatusOf } from '../../aws-error.js';
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
}

export type Add = (result: CheckResult) => void;

/** The fix for anything `setup` makes right. */
export const SETUP_FIX = 'run `s3up setup --apply` with the same flags';

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

  get exitCode(): ExitCode {
    return this.failed.length ? EXIT.checkFailed : EXIT.ok;
  }

  /** One line per check, a `fix:` line under each failure, and a summary. */
  writeText(out: Output): void {
    const width = Math.max(...this.checks.map((r) => label(r).length));
    for (const r of this.checks) {
      out.write(`${label(r).padEnd(width)}  ${r.title}${r.detail ? ` (${r.detail})` : ''}\n`);
      if (r.fix && (r.status === 'fail' || (r.status === 'unsupported' && !r.accepted)))
        out.write(`${''.padEnd(width)}  fix: ${r.fix}\n`);
    }
    const failed = this.failed;
    out.write(
      failed.length
        ? `\n${failed.length} check(s) need attention: ${failed.map((r) => r.id).join(', ')}\n`
        : '\nAll checks passed.\n',
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
export async function guarded(id: string, what: string, add: Add, check: () => Promise<unknown>) {
  try {
    await check();
  } catch (error) {
    const status = httpStatusOf(error);
    add({
      id,
      title: `${what} could be read`,
      status: 'fail',
      detail: status ? `${awsErrorName(error)} (HTTP ${status})` : `no answer (${awsErrorName(error)})`,
      fix:
        status === 403
          ? 'run doctor with credentials that may read bucket settings and IAM roles (--profile)'
          : 'check --endpoint, --region and the network',
    });
  }
}
