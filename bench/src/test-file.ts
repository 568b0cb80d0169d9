import { randomFillSync } from 'node:crypto';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** Human size for labels: 256 MiB, 1 GiB. */
export function sizeLabel(bytes: number): string {
  return bytes >= GiB && bytes % GiB === 0 ? `${bytes / GiB} GiB` : `${Math.round(bytes / MiB)} MiB`;
}

/**
 * A file of random bytes on disk (random so no layer can compress or deduplicate it), made
 * once per size and reused by every contender. Written 8 MiB at a time so making a 3 GiB
 * file does not hold 3 GiB in the harness either.
 */
export async function testFile(dir: string, bytes: number): Promise<string> {
  const path = join(dir, `random-${bytes}.bin`);
  const existing = await stat(path).catch(() => null);
  if (existing?.size === bytes) return path;
  const handle = await open(path, 'w');
  try {
    const chunk = Buffer.alloc(8 * MiB);
    for (let written = 0; written < bytes; written += chunk.length) {
      randomFillSync(chunk);
      await handle.write(chunk, 0, Math.min(chunk.length, bytes - written));
    }
  } catch (error) {
    await handle.close();
    await rm(path, { force: true });
    throw error;
  }
  await handle.close();
  return path;
}
