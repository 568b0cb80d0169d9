// Issue #14 item 3: a paused task lets go of the file's Web Lock, and on Resume claims the
// stored upload again (resume.ts). The parts it sent or checked before the pause are kept
// without hashing their bytes again when S3 still lists them under the same ETag; a part
// another tab replaced meanwhile (another ETag) is checked against the file like any other.
import { describe, expect, it } from 'vitest';
import { keptParts, type MultipartPlan } from '../../src/resume.js';

const MiB = 1024 * 1024;
const plan: MultipartPlan = { kind: 'multipart', size: 3 * 5 * MiB, partSize: 5 * MiB, partCount: 3 };
const listed = [1, 2, 3].map((n) => ({
  PartNumber: n,
  ETag: `"etag-${n}"`,
  Size: 5 * MiB,
  ChecksumCRC32: `crc-${n}`,
}));

describe('keptParts with the parts held in memory', () => {
  it('keeps held parts under the same ETag without hashing them, and hashes the others', async () => {
    const hashed: number[] = [];
    const checksumOf = async (start: number) => {
      hashed.push(start / (5 * MiB) + 1);
      return `crc-${start / (5 * MiB) + 1}`;
    };
    const held = new Map([
      [1, { PartNumber: 1, ETag: '"etag-1"', ChecksumCRC32: 'crc-1' }],
      // Another tab sent part 2 again after the pause: its ETag changed, so it is checked.
      [2, { PartNumber: 2, ETag: '"etag-2-before"', ChecksumCRC32: 'crc-2' }],
    ]);
    const kept = await keptParts(listed, plan, 'CRC32', checksumOf, held);
    expect(hashed).toEqual([2, 3]);
    expect([...kept.parts.keys()].sort()).toEqual([1, 2, 3]);
    expect(kept.parts.get(2)?.ETag).toBe('"etag-2"');
    expect(kept).toMatchObject({ known: 1, checked: 2, mismatched: 0, confirmed: 15 * MiB });
  });

  it('keeps held parts where the backend lists no checksum (Ceph RGW), which otherwise go again', async () => {
    const bare = listed.map(({ ChecksumCRC32: _, ...part }) => part);
    const never = async () => {
      throw new Error('no part should be hashed');
    };
    const held = new Map([[1, { PartNumber: 1, ETag: '"etag-1"', ChecksumCRC32: 'crc-1' }]]);
    const kept = await keptParts(bare, plan, 'CRC32', never, held);
    expect([...kept.parts.values()]).toEqual([{ PartNumber: 1, ETag: '"etag-1"', ChecksumCRC32: 'crc-1' }]);
    expect(kept.confirmed).toBe(5 * MiB);
    // Without what the task held, none can be checked against the file: all are sent again.
    expect((await keptParts(bare, plan, 'CRC32', never)).parts.size).toBe(0);
  });
});
