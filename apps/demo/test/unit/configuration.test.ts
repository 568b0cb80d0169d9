import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { authSecretFromEnv, backendFromEnv } from '../../src/server/backend-config.js';
import { isDemoError } from '../../src/server/demo-error.js';
import { demoSettingsFromEnv } from '../../src/server/demo-settings.js';
import { JWT_AUDIENCE, JWT_ISSUER, SessionSigner } from '../../src/server/demo-users.js';

const aws = {
  S3UP_BUCKET: 'photos-prod',
  S3UP_REGION: 'eu-west-1',
  S3UP_ROLE_ARN: 'arn:aws:iam::123456789012:role/s3up-uploader',
};
const secret = 'x'.repeat(48);

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isDemoError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a DemoError');
}

describe('backendFromEnv: real AWS when S3UP_BUCKET is set', () => {
  it('is null without S3UP_BUCKET, so the start script boots the local backend', () => {
    expect(backendFromEnv({})).toBeNull();
  });

  it('reads the AWS settings with AWS defaults (virtual-host style, checksums on)', () => {
    expect(backendFromEnv(aws)).toEqual({
      kind: 'aws',
      bucket: 'photos-prod',
      region: 'eu-west-1',
      roleArn: aws.S3UP_ROLE_ARN,
      forcePathStyle: false,
      checksums: 'WHEN_SUPPORTED',
    });
  });

  it('names the variable to fix', () => {
    expect(messageOf(() => backendFromEnv({ S3UP_BUCKET: 'photos-prod' }))).toMatch(
      /^S3UP_REGION is missing/,
    );
    expect(messageOf(() => backendFromEnv({ ...aws, S3UP_ROLE_ARN: 'uploader' }))).toMatch(/^S3UP_ROLE_ARN=/);
    expect(messageOf(() => backendFromEnv({ ...aws, S3UP_BUCKET: 'Photos_Prod' }))).toMatch(/^S3UP_BUCKET=/);
    expect(messageOf(() => backendFromEnv({ ...aws, S3UP_CHECKSUMS: 'always' }))).toMatch(/^S3UP_CHECKSUMS/);
    expect(messageOf(() => backendFromEnv({ ...aws, S3UP_FORCE_PATH_STYLE: 'yes' }))).toMatch(
      /^S3UP_FORCE_PATH_STYLE/,
    );
  });
});

describe('authSecretFromEnv', () => {
  it('is required on AWS and must be at least 32 bytes', () => {
    expect(messageOf(() => authSecretFromEnv({}, 'aws'))).toMatch(/^S3UP_AUTH_SECRET is missing/);
    expect(messageOf(() => authSecretFromEnv({ S3UP_AUTH_SECRET: 'short' }, 'local'))).toMatch(/too short/);
    expect(authSecretFromEnv({ S3UP_AUTH_SECRET: secret }, 'aws')).toBe(secret);
  });

  it('is optional on the local backend (a random one per run)', () => {
    expect(authSecretFromEnv({}, 'local')).toBeUndefined();
  });
});

describe('demoSettingsFromEnv', () => {
  it('defaults to 127.0.0.1:5173 with the audit in the panel only', () => {
    expect(demoSettingsFromEnv({})).toEqual({
      port: 5173,
      host: '127.0.0.1',
      auditToStdout: false,
      tokenService: {},
    });
  });

  it('checks each S3UP_DEMO_* variable by name', () => {
    expect(messageOf(() => demoSettingsFromEnv({ S3UP_DEMO_PORT: 'http' }))).toMatch(/^S3UP_DEMO_PORT/);
    expect(messageOf(() => demoSettingsFromEnv({ S3UP_DEMO_AUDIT: 'loud' }))).toMatch(/^S3UP_DEMO_AUDIT/);
    expect(messageOf(() => demoSettingsFromEnv({ S3UP_MAX_SESSION_SECONDS: '60' }))).toMatch(
      /^S3UP_MAX_SESSION_SECONDS/,
    );
    expect(demoSettingsFromEnv({ S3UP_DEMO_SESSION_SECONDS: '30' }).tokenService).toEqual({
      defaultSessionSeconds: 30,
    });
  });
});

describe('SessionSigner: the demo sign-in', () => {
  it('signs a short HS256 JWT for the token server (sub, issuer, audience, expiry)', async () => {
    const signer = new SessionSigner({ secret, ttlSeconds: 600, now: () => 1_800_000_000_000 });
    const session = await signer.signIn('Alice');
    expect(session.user).toEqual({ id: 'alice', name: 'Alice' });
    const claims = decodeJwt(session.token);
    expect(claims).toMatchObject({ sub: 'alice', iss: JWT_ISSUER, aud: JWT_AUDIENCE, iat: 1_800_000_000 });
    expect(claims.exp).toBe(1_800_000_600);
    expect(session.expiresAt).toBe(new Date(1_800_000_600_000).toISOString());
    expect(await signer.verify(session.token)).toBe('alice');
    expect(await new SessionSigner({ secret: 'y'.repeat(48) }).verify(session.token)).toBeNull();
  });

  it('refuses names that would widen an IAM prefix', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal IAM policy variable, on purpose.
    for (const bad of ['a*', '${aws:username}', 'bob/../alice', '', 'x'.repeat(40), '-bob']) {
      await expect(signer().signIn(bad)).rejects.toThrow(/lowercase letters/);
    }
  });
});

function signer() {
  return new SessionSigner({ secret });
}
