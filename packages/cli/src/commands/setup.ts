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
import { httpStatusOf, toCliError } from '../aws-error.js';
import {
  readCorsRules,
  readLifecycleRules,
  readPublicAccessBlock,
  readUnsupportedTag,
  recordUnsupported,
} from '../bucket-settings.js';
import { required, roleNameOf, type Settings } from '../config.js';
import { type DeploymentPlan, deploymentPlan, LIFECYCLE_RULE_ID } from '../deployment-plan.js';
import { isUnsupportedByEndpoint, UNSUPPORTED_LABEL } from '../endpoint-support.js';
import { EXIT, type ExitCode } from '../errors.js';
import type { CommandContext } from '../io.js';
import { canonicalJson, parsePolicyDocument } from '../policy-document.js';

export type StepStatus = 'unchanged' | 'applied' | 'unsupported' | 'failed' | 'planned';
export interface StepResult {
  id: string;
  title: string;
  status: StepStatus;
  detail?: string;
}

export interface SetupOptions {
  apply: boolean;
  json: boolean;
}

interface Step {
  id: string;
  title: string;
  document: unknown;
  apply(): Promise<{ status: StepStatus; detail?: string }>;
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
  const steps = setupSteps(plan, roleNameOf(role), clients);
  if (!options.apply) {
    if (options.json) {
      ctx.stdout.write(`${JSON.stringify({ apply: false, roleName: roleNameOf(role), plan }, null, 2)}\n`);
    } else {
      ctx.stdout.write(
        `# s3up setup plan for bucket ${bucket} and role ${roleNameOf(role)} (nothing applied)\n`,
      );
      for (const step of steps) {
        ctx.stdout.write(`\n## ${step.title}\n${JSON.stringify(step.document, null, 2)}\n`);
      }
      ctx.stdout.write('\nRun again with --apply to apply it (idempotent: only differences are written).\n');
    }
    return EXIT.ok;
  }
  const results: StepResult[] = [];
  for (const step of steps) {
    try {
      results.push({ id: step.id, title: step.title, ...(await step.apply()) });
    } catch (error) {
      const cli = toCliError(error, step.title);
      results.push({ id: step.id, title: step.title, status: 'failed', detail: cli.message });
    }
  }
  const exit: ExitCode = results.some((r) => r.status === 'failed') ? EXIT.checkFailed : EXIT.ok;
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify({ apply: true, ok: exit === EXIT.ok, steps: results }, null, 2)}\n`);
  } else {
    for (const r of results) {
      const label = r.status === 'unsupported' ? UNSUPPORTED_LABEL : r.status;
      ctx.stdout.write(`[${label}] ${r.title}${r.detail ? `: ${r.detail}` : ''}\n`);
    }
    if (results.some((r) => r.status === 'unsupported')) {
      ctx.stdout.write(
        `\nSome settings are ${UNSUPPORTED_LABEL}. s3up doctor reports them as such and does not count them as a pass;\n` +
          'for local development accept them with --accept-unsupported <check-id> (or "acceptUnsupported" in s3up.config.json).\n',
      );
    }
  }
  return exit;
}

function setupSteps(plan: DeploymentPlan, roleName: string, { s3, iam }: AwsClients): Step[] {
  const Bucket = plan.bucket;
  return [
    {
      id: 'bucket',
      title: `Bucket ${Bucket}`,
      document: { Bucket },
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
      document: {
        RoleName: roleName,
        AssumeRolePolicyDocument: plan.role.trustPolicy,
        MaxSessionDuration: plan.role.maxSessionDuration,
      },
      async apply() {
        const trust = JSON.stringify(plan.role.trustPolicy);
        let current: Role | undefined;
        try {
          current = (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
        } catch (error) {
          if (httpStatusOf(error) !== 404) throw error;
        }
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
      document: plan.role.permissionPolicy,
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
      title: 'Bucket CORS (app origins, x-amz-* headers, ETag exposed)',
      document: plan.cors,
      async apply() {
        if (sameCors(await readCorsRules(s3, Bucket), plan.cors.CORSRules)) return { status: 'unchanged' };
        await s3.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: plan.cors }));
        return { status: 'applied' };
      },
    },
    {
      id: 'lifecycle',
      title: 'Lifecycle rule aborting incomplete multipart uploads',
      document: plan.lifecycle,
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
      document: plan.publicAccessBlock,
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
      document: plan.ownershipControls,
      async apply() {
        try {
          const { OwnershipControls } = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket }));
          if (OwnershipControls?.Rules?.[0]?.ObjectOwnership === 'BucketOwnerEnforced')
            return { status: 'unchanged' };
        } catch (error) {
          if (httpStatusOf(error) !== 404 && !isUnsupportedByEndpoint(error)) throw error;
        }
        try {
          await s3.send(
            new PutBucketOwnershipControlsCommand({ Bucket, OwnershipControls: plan.ownershipControls }),
          );
          return { status: 'applied' };
        } catch (error) {
          if (isUnsupportedByEndpoint(error))
            return {
              status: 'unsupported',
              detail: 'PutBucketOwnershipControls was refused as not implemented',
            };
          throw error;
        }
      },
    },
    {
      id: 'default-encryption',
      title: 'Default encryption (SSE-S3, AES256)',
      document: plan.encryption,
      async apply() {
        try {
          const { ServerSideEncryptionConfiguration } = await s3.send(
            new GetBucketEncryptionCommand({ Bucket }),
          );
          if (
            ServerSideEncryptionConfiguration?.Rules?.some(
              (r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
            )
          )
            return { status: 'unchanged' };
        } catch (error) {
          if (httpStatusOf(error) !== 404 && !isUnsupportedByEndpoint(error)) throw error;
        }
        try {
          await s3.send(
            new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: plan.encryption }),
          );
          return { status: 'applied' };
        } catch (error) {
          if (isUnsupportedByEndpoint(error))
            return {
              status: 'unsupported',
              detail: 'PutBucketEncryption was refused as not implemented (Ceph needs a KMS for SSE-S3)',
            };
          throw error;
        }
      },
    },
  ];
}

const blockPublicAclsDetail =
  'with BlockPublicAcls on, this endpoint refuses every PutObject (uploads would fail), so it stays off; the other three settings are on';

function normalizeRule(rule: LifecycleRule): LifecycleRule {
  // Ceph answers the legacy top-level Prefix; PUT wants it as a Filter.
  if (rule.Filter || rule.Prefix === undefined) return rule;
  const { Prefix, ...rest } = rule;
  return { ...rest, Filter: { Prefix } };
}

function sameCors(a: unknown[], b: unknown[]): boolean {
  const norm = (rules: unknown[]) =>
    rules.map((r) => {
      const rule = r as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of ['AllowedOrigins', 'AllowedMethods', 'AllowedHeaders', 'ExposeHeaders']) {
        out[key] = [...((rule[key] as string[] | undefined) ?? [])].sort();
      }
      out.MaxAgeSeconds = rule.MaxAgeSeconds;
      return out;
    });
  return canonicalJson(norm(a)) === canonicalJson(norm(b));
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
