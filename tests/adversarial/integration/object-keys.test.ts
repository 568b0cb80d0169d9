import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { randomFile } from '@s3up/testkit/random-file';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { engineFor, settled } from '../support/engine-under-test.js';
import { bytesOf, ownerClient } from '../support/s3-probe.js';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// Case 4: object keys and file names that try to leave the prefix, hide what they are, or
// break S3's limits are normalized or refused, and never stored outside the user's prefix.
const local = inject('localS3');
const run = randomBytes(4).toString('hex');
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

let server: TokenServerUnderTest;
beforeAll(async () => {
  server = await TokenServerUnderTest.start(local, { server: { scopes: ['upload', 'read'] } });
});
afterAll(async () => server?.close());

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await ownerClient(local).send(
    new ListObjectsV2Command({ Bucket: local.bucket, Prefix: prefix }),
  );
  return (out.Contents ?? []).map((o) => o.Key!);
}

describe('case 4: hostile object keys and file names', () => {
  const names: [string, string][] = [
    ['climbs out with ../', '../bob/x'],
    ['a lone ./', './'],
    ['a double slash', '//'],
    ['a leading /', '/etc/passwd'],
    ['empty', ''],
    ['control characters', 'a\u0000b\u0007c\nd.txt'],
    ['a right-to-left override', 'photo\u202Egpj.exe'],
    ['NFD', 'Cafe\u0301.txt'],
    ['1025 bytes', `${'n'.repeat(1021)}.txt`],
  ];

  it.each(names)('%s: stored under the prefix with a clean key, bytes intact', async (_label, name) => {
    const user = `keys${run}`;
    const prefix = `users/${user}/`;
    const { uploader } = engineFor(server, user);
    const { file, bytes } = randomFile(64, name);
    const task = await settled(uploader, uploader.add(file));
    expect(task.state).toBe('succeeded');
    const key = task.key!;
    expect(key.startsWith(prefix)).toBe(true);
    const segments = key.slice(prefix.length).split('/');
    expect(segments.every((s) => s !== '' && s !== '.' && s !== '..')).toBe(true);
    expect(INVISIBLE.test(key)).toBe(false);
    expect(key).toBe(key.normalize('NFC'));
    expect(new TextEncoder().encode(key).length).toBeLessThanOrEqual(1024);
    expect((await bytesOf(local, key)).equals(bytes)).toBe(true);
    await uploader.destroy();
  });

  it('the same name in NFC and NFD gives the same clean name', async () => {
    const { uploader } = engineFor(server, `nfc${run}`);
    const a = await settled(uploader, uploader.add(randomFile(8, 'Caf\u00e9.txt').file));
    const b = await settled(uploader, uploader.add(randomFile(8, 'Cafe\u0301.txt').file));
    expect(a.key!.split('/').at(-1)).toBe(b.key!.split('/').at(-1));
    await uploader.destroy();
  });

  it('nothing of these uploads landed under another user or outside users/', async () => {
    expect(await keysUnder('users/bob/')).toEqual([]);
    expect((await keysUnder('etc/')).length).toBe(0);
  });

  it.each([
    ['outside the prefix', (_prefix: string) => `users/bob/${run}.txt`, /outside the user's prefix/],
    ['with a .. segment', (p: string) => `${p}../bob/${run}.txt`, /"\.\."/],
    ['with a bidi override', (p: string) => `${p}x\u202Egpj.exe`, /invisible formatting/],
    ['over 1024 bytes', (p: string) => `${p}${'k'.repeat(1100)}`, /1024/],
  ])(
    'a keyFor result %s is refused with invalid-key, and nothing is stored',
    async (_label, keyFor, message) => {
      const user = `keyfor${run}`;
      const { uploader } = engineFor(server, user, { keyFor: (_file, ctx) => keyFor(ctx.prefix) });
      const task = await settled(uploader, uploader.add(randomFile(16, 'x.txt').file));
      expect(task.state).toBe('failed');
      expect(task.error?.code).toBe('invalid-key');
      expect(task.error?.message).toMatch(message);
      expect(await keysUnder(`users/${user}/`)).toEqual([]);
      expect(await keysUnder(`users/bob/${run}`)).toEqual([]);
      await uploader.destroy();
    },
  );
});

describe('case 10: what the engine reported', () => {
  it('no failure, cause or task the engine reported carries a secret, a JWT or policy text', () => {
    expect(server.engineOutput.filter((r) => r.includes('invalid-key')).length).toBeGreaterThan(3);
    expect(server.leaks()).toEqual([]);
  });
});
