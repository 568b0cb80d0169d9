import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

describe('pnpm local-s3, as the README runs it', () => {
  // The root script runs the CLI from source: every module it imports (workspace packages
  // included) must load, or `pnpm local-s3 up` and `pnpm demo`'s reuse of it break.
  it('loads and answers status for an empty directory', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 's3up-local-s3-script-'));
    try {
      const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile('pnpm', ['-s', 'local-s3', 'status', '--dir', dir], { cwd: root }, (error, stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
        );
      });
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe(`not running (${dir})`);
      expect(result.code).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
