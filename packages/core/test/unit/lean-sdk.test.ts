import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { awsPartitionOnly, leanSdk, withLiteralKeys } from '../../build/lean-sdk.mjs';

// The browser build's source rewrites (build/lean-sdk.mjs) must change what the SDK ships,
// never what it does: these compare the rewritten modules with the SDK's own.
const require = createRequire(import.meta.url);
const clientS3 = dirname(require.resolve('@aws-sdk/client-s3/package.json'));
const schemasFile = join(clientS3, 'dist-es', 'schemas', 'schemas_0.js');
const partitionsFile = join(
  dirname(require.resolve('@aws-sdk/core/package.json', { paths: [clientS3] })),
  'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js',
);

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** The schema module bundled on its own, with or without the lean-sdk plugin, then imported. */
async function schemas(lean: boolean): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 's3up-lean-sdk-'));
  dirs.push(dir);
  const outfile = join(dir, `schemas-${lean ? 'lean' : 'sdk'}.mjs`);
  await build({
    entryPoints: [schemasFile],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
    plugins: lean ? [leanSdk()] : [],
  });
  // The rewrite did happen in the lean bundle (and only there).
  expect(/\[_hH\]:/.test(await readFile(outfile, 'utf8'))).toBe(!lean);
  return (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
}

describe('lean-sdk: literal keys in the schema module', () => {
  it('leaves every shape of client-s3 as the SDK declares it (names, members, traits)', async () => {
    const [sdk, lean] = await Promise.all([schemas(false), schemas(true)]);
    const names = Object.keys(sdk).filter((k) => k.endsWith('$'));
    expect(names.length).toBeGreaterThan(400);
    expect(Object.keys(lean).sort()).toEqual(Object.keys(sdk).sort());
    const differ = names.filter((n) => JSON.stringify(lean[n]) !== JSON.stringify(sdk[n]));
    expect(differ).toEqual([]);
    // A trait that travels on the wire: UploadPart's checksum header.
    expect(JSON.stringify(lean.UploadPartRequest$)).toContain('"httpHeader":"x-amz-checksum-crc32"');
  });

  it('writes no computed key, and refuses a key that is not a string constant', async () => {
    const source = await readFile(schemasFile, 'utf8');
    expect(source).toMatch(/\{ \[_\w+\]:/);
    expect(withLiteralKeys(source)).not.toMatch(/\[_\w+\]:/);
    expect(() => withLiteralKeys('const _a = "a";\nexport var X$ = [0, { [_b]: 1 }];')).toThrow(
      /computed key _b that is not a string constant/,
    );
  });
});

describe('lean-sdk: the partition table', () => {
  it("keeps the aws partition's outputs and region pattern, without the region list", async () => {
    const source = await readFile(partitionsFile, 'utf8');
    const full = JSON.parse(source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1));
    const fullAws = full.partitions.find((p: { id: string }) => p.id === 'aws');
    const lean = awsPartitionOnly(source);
    const kept = JSON.parse(lean.slice(lean.indexOf('{'), lean.lastIndexOf('}') + 1));
    expect(kept.partitions).toEqual([{ ...fullAws, regions: {} }]);
    expect(kept.version).toBe(full.version);
    expect(() => awsPartitionOnly('export const partitionsInfo = {"partitions":[]};')).toThrow(
      /no 'aws' partition/,
    );
  });
});
