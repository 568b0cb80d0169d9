import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatCredentials, type IssuedCredentials } from '../../src/credential-formats.js';

const issued: IssuedCredentials = {
  accessKeyId: 'ASIAEXAMPLE',
  secretAccessKey: "se/cr+et='quoted'",
  sessionToken: 'tok/en+with=signs',
  expiration: new Date('2026-11-29T04:00:00Z'),
  bucket: 'uploads',
  prefix: 'reports/2026-q3/',
};
const aws = { region: 'eu-west-1', forcePathStyle: false };
const local = { region: 'us-east-1', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true };

describe('formatCredentials', () => {
  // A real shell: the only judge of whether the quoting holds. Generous timeout for a loaded machine.
  it('env: a shell reads back every value exactly, quotes and all', { timeout: 20_000 }, async () => {
    const script = `${formatCredentials('env', issued, local, 'x')}printf '%s|%s|%s' "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_ENDPOINT_URL_S3"`;
    const { stdout: out } = await promisify(execFile)('bash', ['-c', script], {
      env: { PATH: process.env.PATH ?? '/usr/bin' },
    });
    expect(out).toBe(`${issued.secretAccessKey}|${issued.sessionToken}|${local.endpoint}`);
  });

  it('env on AWS sets no endpoint', () => {
    expect(formatCredentials('env', issued, aws, 'x')).not.toContain('AWS_ENDPOINT_URL_S3');
  });

  it('aws-profile: a named profile with path-style addressing only for S3-compatible endpoints', () => {
    const text = formatCredentials('aws-profile', issued, local, 'partner');
    expect(text).toContain('[profile partner]');
    expect(text).toContain('endpoint_url = http://127.0.0.1:7480');
    expect(text).toContain('addressing_style = path');
    expect(formatCredentials('aws-profile', issued, aws, 'partner')).not.toContain('addressing_style');
  });

  it('rclone: provider AWS on AWS, Other elsewhere, never env_auth', () => {
    expect(formatCredentials('rclone', issued, aws, 'p')).toContain('provider = AWS');
    const text = formatCredentials('rclone', issued, local, 'p');
    expect(text).toContain('provider = Other');
    expect(text).toContain('force_path_style = true');
    expect(text).toContain('env_auth = false');
    expect(text).toContain('[p]');
  });

  it('credential-process: Version 1 JSON with PascalCase keys and nothing else', () => {
    expect(JSON.parse(formatCredentials('credential-process', issued, local, 'x'))).toEqual({
      Version: 1,
      AccessKeyId: issued.accessKeyId,
      SecretAccessKey: issued.secretAccessKey,
      SessionToken: issued.sessionToken,
      Expiration: '2026-11-29T04:00:00.000Z',
    });
  });

  it('prints the AWS CLI command that works on every version: --endpoint-url when an endpoint is set', () => {
    const listing = { ...issued, list: true };
    expect(formatCredentials('env', listing, local, 'x')).toContain(
      '#   aws s3 ls s3://uploads/reports/2026-q3/ --endpoint-url http://127.0.0.1:7480',
    );
    expect(formatCredentials('aws-profile', issued, local, 'acme')).toContain(
      '#   aws s3 cp s3://uploads/reports/2026-q3/<name> . --profile acme --endpoint-url http://127.0.0.1:7480',
    );
    expect(formatCredentials('aws-profile', issued, aws, 'acme')).toContain('--region eu-west-1');
    expect(formatCredentials('aws-profile', issued, aws, 'acme')).not.toContain('--endpoint-url');
  });
});
