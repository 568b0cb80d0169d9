import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings, roleArnOf, roleNameOf } from '../../src/config.js';
import { isCliError } from '../../src/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3up-cli-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function errorOf(fn: () => unknown): { code: string; message: string; exitCode: number } {
  try {
    fn();
  } catch (error) {
    if (isCliError(error)) return { code: error.code, message: error.message, exitCode: error.exitCode };
    throw error;
  }
  throw new Error('expected a CliError');
}

describe('loadSettings', () => {
  it('takes flags over environment over the config file over defaults', async () => {
    const file = join(dir, 'precedence.json');
    await writeFile(file, JSON.stringify({ bucket: 'from-file', region: 'eu-west-1', role: 'file-role' }));
    const s = loadSettings(
      { config: file, bucket: 'from-flag' },
      { S3UP_BUCKET: 'from-env', S3UP_REGION: 'eu-north-1' },
    );
    expect(s.bucket).toBe('from-flag');
    expect(s.region).toBe('eu-north-1');
    expect(s.role).toBe('file-role');
    expect(s.checksums).toBe('WHEN_SUPPORTED');
    expect(s.sessionSeconds).toBe(3600);
    expect(s.maxSessionSeconds).toBe(43_200);
  });

  it('reads ./s3up.config.json when present and ignores its absence', async () => {
    await writeFile(join(dir, 's3up.config.json'), JSON.stringify({ origins: ['https://app.example.com'] }));
    expect(loadSettings({}, {}, dir).origins).toEqual(['https://app.example.com']);
    expect(loadSettings({}, {}, join(dir, 'elsewhere')).origins).toEqual([]);
  });

  it('names the variable or flag in every message', async () => {
    expect(errorOf(() => loadSettings({}, { S3UP_BUCKET: 'Bad_Bucket' }))).toMatchObject({
      code: 'invalid_config',
      exitCode: 2,
      message: expect.stringContaining('S3UP_BUCKET'),
    });
    expect(errorOf(() => loadSettings({ endpoint: 'ftp://x' }, {})).message).toContain('--endpoint');
    expect(errorOf(() => loadSettings({}, { S3UP_FORCE_PATH_STYLE: 'maybe' })).message).toContain(
      'S3UP_FORCE_PATH_STYLE',
    );
    expect(errorOf(() => loadSettings({}, { S3UP_CHECKSUMS: 'CRC32' })).message).toContain('S3UP_CHECKSUMS');
    expect(errorOf(() => loadSettings({ origin: ['https://app.example.com/path'] }, {})).message).toContain(
      '--origin',
    );
    expect(errorOf(() => loadSettings({}, { S3UP_TOKEN_SERVICE_PRINCIPAL: 'tokensvc' })).message).toContain(
      'S3UP_TOKEN_SERVICE_PRINCIPAL',
    );
    expect(errorOf(() => loadSettings({ sessionDuration: 'soon' }, {})).message).toContain(
      '--session-duration',
    );
    expect(errorOf(() => loadSettings({}, { S3UP_ABORT_INCOMPLETE_DAYS: '30' })).message).toContain(
      'S3UP_ABORT_INCOMPLETE_DAYS',
    );
    expect(errorOf(() => loadSettings({ config: join(dir, 'missing.json') }, {})).message).toContain(
      '--config',
    );
  });

  it('rejects unknown keys in the config file and lists the allowed ones', async () => {
    const file = join(dir, 'typo.json');
    await writeFile(file, JSON.stringify({ buckett: 'x' }));
    const error = errorOf(() => loadSettings({}, { S3UP_CONFIG: file }));
    expect(error.message).toContain(file);
    expect(error.message).toContain('bucket');
  });

  it('refuses a session longer than the role maximum', () => {
    const error = errorOf(() => loadSettings({ sessionDuration: '4h', maxSessionDuration: '2h' }, {}));
    expect(error.message).toContain('--session-duration');
  });
});

describe('role names', () => {
  it('accepts ARNs with paths and bare names', () => {
    expect(roleNameOf('arn:aws:iam::123456789012:role/service/s3up-uploader')).toBe('s3up-uploader');
    expect(roleNameOf('s3up-uploader')).toBe('s3up-uploader');
    expect(roleArnOf('s3up-uploader')).toBe('arn:aws:iam:::role/s3up-uploader');
  });
});
