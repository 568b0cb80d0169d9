import {
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  type Role,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import {
  type CORSRule,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  HeadBucketCommand,
  type LifecycleRule,
  PutBucketCorsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws-clients.js';
import { httpStatusOf, isUnreachable, toCliError } from '../aws-error.js';
import {
  readCorsRules,
  readLifecycleRules,
  readPublicAccessBlock,
  readUnsupportedTag,
  recordUnsupported,
} from '../bucket-settings.js';
import { required, roleNameOf, type Settings } from '../config.js';
import { mergeCorsRules, normalizeCorsRules, sameCorsRules } from '../cors-merge.js';
import { type DeploymentPlan, deploymentPlan, LIFECYCLE_RULE_ID } from '../deployment-plan.js';
import { isUnsupportedByEndpoint, UNSUPPORTED_LABEL } from '../endpoint-support.js';
import { EXIT, type ExitCode } from '../errors.js';
import type { CommandContext } from '../io.js';
import { jsonDiff } from '../plan-diff.js';
import { canonicalJson, parsePolicyDocument } from '../policy-document.js';

export type StepStatus = 'unchanged' | 'applied' | 'unsupported' | 'failed' | 'planned';
export interface StepResult {
  id: string;
  title: string;
  status: StepStatus;
  /** An unsupported step the operator accepted (`--accept-unsupported <id>`). */
  accepted?: boolean;
  detail?: string;
}

export interface SetupOptions {
  apply: boolean;
  json: boolean;
  /** Replace the bucket's CORS rules with s3up's instead of merging. Default false: the operator's other origins stay. */
  replaceCors?: boolean;
}

interface Step {
  id: string;
  title: string;
  /** What the step makes the live setting, given what is there now (`undefined`: absent). */
  want(current: unknown): unknown;
  /** The live setting, in the shape of `want`; `undefined` when it does not exist. */
  read(): Promise<unknown>;
  apply(): Promise<{ status: StepStatus; detail?: string }>;
}

/** One step of the plan: what would change (`planned`, with a diff) or `unchanged`. */
export interface PlannedStep {
  id: string;
  title: string;
  status: 'planned' | 'unchanged' | 'unreadable';
  current?: unknown;
  wanted: unknown;
  diff?: string;
  detail?: string;
}

/**
 * `s3up setup`: prints the documents a deployment needs, or with `--apply` makes the
 * live bucket and role match them. Each step reads first and writes only what differs,
 * so running it twice changes nothing the second time.
 */
export async function runSetup(
  settings: Settings,
  options: SetupOptions,
  ctx: CommandContext,
  clients: AwsClients,
) {
  const bucket = required(settings.bucket, '--bucket', 'S3UP_BUCKET');
  const role = required(settings.role, '--role', 'S3UP_ROLE_ARN');
  const principal = required(
    settings.tokenServicePrincipal,
    '--token-service',
    'S3UP_TOKEN_SERVICE_PRINCIPAL',
  );
  const origins = required(settings.origins, '--origin', 'S3UP_ORIGINS');
  const plan = deploymentPlan({
    bucket,
    tokenServicePrincipal: principal,
    origins,
    maxSessionSeconds: settings.maxSessionSeconds,
    abortIncompleteDays: settings.abortIncompleteDays,
  });
  const steps = setupSteps(plan, roleNameOf(role), clients, options.replaceCors === true);
  if (!options.apply) {
    const planned: PlannedStep[] = [];
    // Once nothing answers, asking again for every step only makes the operator wait.
    let silent: string | undefined;
    for (const step of steps) {
      if (silent) {
        const wanted = step.want(undefined);
        planned.push({
          id: step.id,
          title: step.title,
          status: 'unreadable',
          wanted,
          detail: `not read: ${silent}`,
        });
        continue;
      }
      try {
        const current = await step.read();
        const wanted = step.want(current);
        const diff = jsonDiff(current, wanted);
        planned.push({
          id: step.id,
          title: step.title,
          status: diff ? 'planned' : 'unchanged',
          current,
          wanted,
          ...(diff ? { diff } : {}),
        });
      } catch (error) {
        // The plan still shows the target; the read failure says what the apply will meet.
        if (isUnreachable(error)) silent = 'the endpoint did not answer';
        const wanted = step.want(undefined);
        planned.push({
          id: step.id,
          title: step.title,
          status: 'unreadable',
          wanted,
          diff: jsonDiff(undefined, wanted),
          detail: toCliError(error, `reading the live ${step.id} setting`).message,
        });
      }
    }
    if (options.json) {
      ctx.stdout.write(
        `${JSON.stringify({ apply: false, roleName: roleNameOf(role), steps: planned, plan }, null, 2)}\n`,
      );
    } else {
      ctx.stdout.write(
        `# s3up setup: what --apply would change on bucket ${bucket} and role ${roleNameOf(role)} (nothing applied)\n` +
          '# - live setting   + after --apply\n',
      );
      for (const p of planned) {
        const label =
          p.status === 'planned' ? 'change' : p.status === 'unchanged' ? 'unchanged' : 'cannot read';
        ctx.stdout.write(`\n[${label}] ${p.title}${p.detail ? `: ${p.detail}` : ''}\n`);
        if (p.diff) ctx.stdout.write(`${p.diff}\n`);
      }
      const changes = planned.filter((p) => p.status !== 'unchanged').length;
      ctx.stdout.write(
        changes
          ? `\n${changes} step(s) to change. Run again with --apply to apply them (only differences are written).\n`
          : '\nNothing to change.\n',
      );
    }
    return silent ? EXIT.unreachable : EXIT.ok;
  }
  const results: StepResult[] = [];
  let silent = false;
  for (const step of steps) {
    if (silent) {
      results.push({
        id: step.id,
        title: step.title,
        status: 'failed',
        detail: 'not attempted: the endpoint did not answer',
      });
      continue;
    }
    try {
      results.push({ id: step.id, title: step.title, ...(await step.apply()) });
    } catch (error) {
      const cli = toCliError(error, step.title);
      silent = isUnreachable(error);
      results.push({ id: step.id, title: step.title, status: 'failed', detail: cli.message });
    }
  }
  for (const r of results)
    if (r.status === 'unsupported' && settings.acceptUnsupported.includes(r.id)) r.accepted = true;
  // A step it planned but could not apply fails the run, unless the operator accepted the gap.
  const notApplied = results.filter(
    (r) => r.status === 'failed' || (r.status === 'unsupported' && !r.accepted),
  );
  const exit: ExitCode = silent ? EXIT.unreachable : notApplied.length ? EXIT.checkFailed : EXIT.ok;
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify({ apply: true, ok: exit === EXIT.ok, steps: results }, null, 2)}\n`);
  } else {
    for (const r of results) {
      const label =
        r.status === 'unsupported' ? `${UNSUPPORTED_LABEL}${r.accepted ? ', accepted' : ''}` : r.status;
      ctx.stdout.write(`[${label}] ${r.title}${r.detail ? `: ${r.detail}` : ''}\n`);
    }
    const unaccepted = notApplied.filter((r) => r.status === 'unsupported').map((r) => r.id);
    if (unaccepted.length) {
      ctx.stdout.write(
        `\n${unaccepted.join(', ')}: ${UNSUPPORTED_LABEL}, so the deployment is not what the plan says (exit 1).\n` +
          `For local development accept them: ${unaccepted.map((id) => `--accept-unsupported ${id}`).join(' ')}\n` +
          '(or S3UP_ACCEPT_UNSUPPORTED, or "acceptUnsupported" in s3up.config.json); doctor accepts the same ids.\n',
      );
    }
    const failed = notApplied.filter((r) => r.status === 'failed');
    if (failed.length)
      ctx.stdout.write(`\n${failed.length} step(s) failed: ${failed.map((r) => r.id).join(', ')}\n`);
  }
  return exit;
}

function setupSteps(
  plan: DeploymentPlan,
  roleName: string,
  { s3, iam }: AwsClients,
  replaceCors: boolean,
): Step[] {
  const Bucket = plan.bucket;
  const ours = plan.cors.CORSRules[0]!;
  const corsWanted = (current: CORSRule[]) =>
    replaceCors ? plan.cors.CORSRules : mergeCorsRules(current, ours);
  const lifecycleWanted = (current: LifecycleRule[]) => [
    // Keep the bucket's other rules: PutBucketLifecycleConfiguration replaces them all.
    ...current.filter((r) => r.ID !== LIFECYCLE_RULE_ID).map(normalizeRule),
    plan.lifecycle.Rules[0]!,
  ];
  const readRole = async () => {
    try {
      return (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
    } catch (error) {
      if (httpStatusOf(error) === 404) return undefined;
      throw error;
    }
  };
  const readOwnership = () =>
    readBucketSetting(async () => {
      const { OwnershipControls } = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket }));
      return OwnershipControls?.Rules?.length ? { Rules: OwnershipControls.Rules } : undefined;
    });
  const readEncryption = () =>
    readBucketSetting(async () => {
      const { ServerSideEncryptionConfiguration: c } = await s3.send(
        new GetBucketEncryptionCommand({ Bucket }),
      );
      return c?.Rules?.length ? { Rules: c.Rules } : undefined;
    });
  return [
    {
      id: 'bucket',
      title: `Bucket ${Bucket}`,
      want: () => ({ Bucket }),
      async read() {
        try {
          await s3.send(new HeadBucketCommand({ Bucket }));
          return { Bucket };
        } catch (error) {
          if (httpStatusOf(error) === 404) return undefined;
          throw error;
        }
      },
      async apply() {
        try {
          await s3.send(new HeadBucketCommand({ Bucket }));
          return { status: 'unchanged' };
        } catch (error) {
          if (httpStatusOf(error) !== 404) throw error;
        }
        const region = await s3.config.region();
        await s3.send(
          new CreateBucketCommand({
            Bucket,
            ...(region !== 'us-east-1' && !(await s3.config.endpoint?.())
              ? { CreateBucketConfiguration: { LocationConstraint: region as never } }
              : {}),
          }),
        );
        return { status: 'applied', detail: 'created' };
      },
    },
    {
      id: 'role',
      title: `Role ${roleName}: trust policy (only the token service may assume it) and MaxSessionDuration`,
      want: () => ({
        RoleName: roleName,
        AssumeRolePolicyDocument: plan.role.trustPolicy,
        MaxSessionDuration: plan.role.maxSessionDuration,
      }),
      async read() {
        const role = await readRole();
        return (
          role && {
            RoleName: role.RoleName,
            AssumeRolePolicyDocument: parsePolicyDocument(role.AssumeRolePolicyDocument),
            MaxSessionDuration: role.MaxSessionDuration,
          }
        );
      },
      async apply() {
        const trust = JSON.stringify(plan.role.trustPolicy);
        const current: Role | undefined = await readRole();
        if (!current) {
          await iam.send(
            new CreateRoleCommand({
              RoleName: roleName,
              AssumeRolePolicyDocument: trust,
              MaxSessionDuration: plan.role.maxSessionDuration,
              Description: 'Assumed by the s3up token server; each session is narrowed to one prefix.',
            }),
          );
          return { status: 'applied', detail: 'created' };
        }
        const changes: string[] = [];
        if (
          canonicalJson(parsePolicyDocument(current.AssumeRolePolicyDocument)) !==
          canonicalJson(plan.role.trustPolicy)
        ) {
          await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: trust }));
          changes.push('trust policy updated');
        }
        if (current.MaxSessionDuration !== plan.role.maxSessionDuration) {
          try {
            await iam.send(
              new UpdateRoleCommand({ RoleName: roleName, MaxSessionDuration: plan.role.maxSessionDuration }),
            );
            changes.push(
              `MaxSessionDuration ${current.MaxSessionDuration} -> ${plan.role.maxSessionDuration}`,
            );
          } catch (error) {
            if (!isUnsupportedByEndpoint(error)) throw error;
            return {
              status: 'unsupported',
              detail: `UpdateRole (MaxSessionDuration ${current.MaxSessionDuration}s, wanted ${plan.role.maxSessionDuration}s) is ${UNSUPPORTED_LABEL}; recreate the role to change it${changes.length ? `; ${changes.join(', ')}` : ''}`,
            };
          }
        }
        return changes.length ? { status: 'applied', detail: changes.join(', ') } : { status: 'unchanged' };
      },
    },
    {
      id: 'role-permissions',
      title: `Role ${roleName}: permission policy ${plan.role.permissionPolicyName}`,
      want: () => plan.role.permissionPolicy,
      async read() {
        try {
          const { PolicyDocument } = await iam.send(
            new GetRolePolicyCommand({ RoleName: roleName, PolicyName: plan.role.permissionPolicyName }),
          );
          return parsePolicyDocument(PolicyDocument);
        } catch (error) {
          if (httpStatusOf(error) === 404) return undefined;
          throw error;
        }
      },
      async apply() {
        try {
          const { PolicyDocument } = await iam.send(
            new GetRolePolicyCommand({ RoleName: roleName, PolicyName: plan.role.permissionPolicyName }),
          );
          if (
            canonicalJson(parsePolicyDocument(PolicyDocument)) === canonicalJson(plan.role.permissionPolicy)
          )
            return { status: 'unchanged' };
        } catch (error) {
          if (httpStatusOf(error) !== 404) throw error;
        }
        await iam.send(
          new PutRolePolicyCommand({
            RoleName: roleName,
            PolicyName: plan.role.permissionPolicyName,
            PolicyDocument: JSON.stringify(plan.role.permissionPolicy),
          }),
        );
        return { status: 'applied' };
      },
    },
    {
      id: 'cors',
      title: `Bucket CORS (app origins, x-amz-* headers, ETag exposed; ${replaceCors ? 'replacing the rules (--replace-cors)' : "merged: the bucket's other origins stay"})`,
      want: (current) => {
        const rules = (current as { CORSRules?: CORSRule[] } | undefined)?.CORSRules ?? [];
        const wanted = corsWanted(rules);
        const ids = rules.some((r) => r.ID !== undefined) || rules.length === 0;
        return { CORSRules: normalizeCorsRules(wanted, ids) };
      },
      async read() {
        const rules = await readCorsRules(s3, Bucket);
        return rules.length
          ? {
              CORSRules: normalizeCorsRules(
                rules,
                rules.some((r) => r.ID !== undefined),
              ),
            }
          : undefined;
      },
      async apply() {
        const current = await readCorsRules(s3, Bucket);
        const wanted = corsWanted(current);
        if (sameCorsRules(current, wanted)) return { status: 'unchanged' };
        await s3.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: wanted } }));
        const kept = current
          .flatMap((r) => r.AllowedOrigins ?? [])
          .filter((o) => o !== '*' && !plan.cors.CORSRules[0]!.AllowedOrigins!.includes(o));
        const notes = [
          ...(current.some((r) => r.AllowedOrigins?.includes('*')) ? ['removed "*" (every origin)'] : []),
          ...(!replaceCors && kept.length ? [`kept ${[...new Set(kept)].join(', ')}`] : []),
        ];
        return { status: 'applied', ...(notes.length ? { detail: notes.join('; ') } : {}) };
      },
    },
    {
      id: 'lifecycle',
      title: 'Lifecycle rule aborting incomplete multipart uploads',
      want: (current) => ({
        Rules: lifecycleWanted((current as { Rules?: LifecycleRule[] } | undefined)?.Rules ?? []),
      }),
      async read() {
        const rules = await readLifecycleRules(s3, Bucket);
        return rules && { Rules: rules.map(normalizeRule) };
      },
      async apply() {
        const rules = (await readLifecycleRules(s3, Bucket)) ?? [];
        const wanted = plan.lifecycle.Rules[0]!;
        const mine = rules.find((r) => r.ID === LIFECYCLE_RULE_ID);
        if (
          mine &&
          mine.Status === 'Enabled' &&
          mine.AbortIncompleteMultipartUpload?.DaysAfterInitiation ===
            wanted.AbortIncompleteMultipartUpload?.DaysAfterInitiation &&
          (mine.Filter?.Prefix ?? mine.Prefix ?? '') === ''
        )
          return { status: 'unchanged' };
        // Keep the bucket's other rules: PutBucketLifecycleConfiguration replaces them all.
        const others = rules.filter((r) => r.ID !== LIFECYCLE_RULE_ID);
        await s3.send(
          new PutBucketLifecycleConfigurationCommand({
            Bucket,
            LifecycleConfiguration: { Rules: [...others.map(normalizeRule), wanted] },
          }),
        );
        return {
          status: 'applied',
          detail: others.length ? `kept ${others.length} other rule(s)` : undefined,
        };
      },
    },
    {
      id: 'public-access-block',
      title: 'Block Public Access (all four settings)',
      want: () => plan.publicAccessBlock,
      read: () => readPublicAccessBlock(s3, Bucket),
      async apply() {
        const current = await readPublicAccessBlock(s3, Bucket);
        const unsupported = await readUnsupportedTag(s3, Bucket);
        const wanted = plan.publicAccessBlock;
        if (Object.entries(wanted).every(([k, v]) => current[k as keyof typeof current] === v))
          return { status: 'unchanged' };
        const { BlockPublicAcls: _, ...rest } = wanted;
        const restOn = Object.entries(rest).every(([k, v]) => current[k as keyof typeof current] === v);
        if (unsupported.includes('BlockPublicAcls') && restOn && !current.BlockPublicAcls)
          return { status: 'unsupported', detail: blockPublicAclsDetail };
        await s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: wanted }));
        // Ceph RGW 16 refuses every PutObject (even the owner's, without any ACL) while
        // BlockPublicAcls is on: prove uploads still work before leaving it on.
        if (await writesWork(s3, Bucket)) return { status: 'applied' };
        await s3.send(
          new PutPublicAccessBlockCommand({
            Bucket,
            PublicAccessBlockConfiguration: { ...wanted, BlockPublicAcls: false },
          }),
        );
        await recordUnsupported(s3, Bucket, 'BlockPublicAcls');
        return { status: 'unsupported', detail: blockPublicAclsDetail };
      },
    },
    {
      id: 'object-ownership',
      title: 'Object Ownership BucketOwnerEnforced (ACLs off)',
      want: () => plan.ownershipControls,
      read: readOwnership,
      async apply() {
        const current = await readOwnership();
        return putUnlessSet(
          current?.Rules?.[0]?.ObjectOwnership === 'BucketOwnerEnforced',
          () =>
            s3.send(
              new PutBucketOwnershipControlsCommand({ Bucket, OwnershipControls: plan.ownershipControls }),
            ),
          'PutBucketOwnershipControls was refused as not implemented',
        );
      },
    },
    {
      id: 'default-encryption',
      title: 'Default encryption (SSE-S3, AES256)',
      want: () => plan.encryption,
      read: readEncryption,
      async apply() {
        const current = await readEncryption();
        return putUnlessSet(
          current?.Rules.some((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm) ?? false,
          () =>
            s3.send(
              new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: plan.encryption }),
            ),
          'PutBucketEncryption was refused as not implemented (Ceph needs a KMS for SSE-S3)',
        );
      },
    },
  ];
}

/** A bucket setting as the bucket has it; undefined when it has none or the endpoint lacks the API. */
async function readBucketSetting<T>(get: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await get();
  } catch (error) {
    if (httpStatusOf(error) === 404 || isUnsupportedByEndpoint(error)) return undefined;
    throw error;
  }
}

/** Puts a bucket setting unless the bucket already has it; an endpoint without the API is reported, not failed. */
async function putUnlessSet(
  isSet: boolean,
  put: () => Promise<unknown>,
  unsupportedDetail: string,
): Promise<{ status: StepStatus; detail?: string }> {
  if (isSet) return { status: 'unchanged' };
  try {
    await put();
    return { status: 'applied' };
  } catch (error) {
    if (isUnsupportedByEndpoint(error)) return { status: 'unsupported', detail: unsupportedDetail };
    throw error;
  }
}

const blockPublicAclsDetail =
  'with BlockPublicAcls on, this endpoint refuses every PutObject (uploads would fail), so it stays off; the other three settings are on';

function normalizeRule(rule: LifecycleRule): LifecycleRule {
  // Ceph answers the legacy top-level Prefix; PUT wants it as a Filter.
  if (rule.Filter || rule.Prefix === undefined) return rule;
  const { Prefix, ...rest } = rule;
  return { ...rest, Filter: { Prefix } };
}

async function writesWork(s3: AwsClients['s3'], Bucket: string): Promise<boolean> {
  const Key = `s3up-setup/write-check-${Date.now()}`;
  try {
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'ok' }));
  } catch (error) {
    if (httpStatusOf(error) === 403) return false;
    throw error;
  }
  await s3.send(new DeleteObjectCommand({ Bucket, Key }));
  return true;
}
