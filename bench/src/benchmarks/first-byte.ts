import { BenchError } from '../bench-error.js';
import type { Benchmark } from '../benchmark.js';
import type { BenchEnvironment } from '../environment.js';
import { type Contender, runInterleaved } from '../interleave.js';
import type { PageName } from '../page-bundle.js';
import { compare, relativeTarget } from '../results.js';
import { MiB, sizeLabel } from '../test-file.js';

interface FirstByte {
  cold: number;
  warm: number;
}

/**
 * One round: a fresh page, a first upload with nothing cached (the token endpoint makes
 * its own AssumeRole call; s3up also loads its SDK chunks), then a second upload in the
 * same page with the credentials cached. Each figure runs from the file being added (the
 * input's change event) to the first UploadPart body byte reaching the tap.
 */
function contender(
  env: BenchEnvironment,
  name: PageName,
  size: number,
  partSize: number,
  concurrency: number,
): Contender<FirstByte> {
  return {
    name,
    run: async () => {
      const pageUrl = env.pageUrl(name);
      await env.backend.ensureRoom(2 * size);
      const browser = await env.browser();
      const tap = await env.tap();
      const context = await browser.newContext();
      try {
        const page = await browser.openPage(context, pageUrl);
        const file = await env.file(size);
        const measureOne = async () => {
          tap.reset();
          const result = await browser.runUpload(
            page,
            file,
            { key: env.key(name), partSize, concurrency },
            180_000,
          );
          if (tap.stats.firstPartByteAt === null)
            throw new BenchError('upload', 'no UploadPart reached the tap');
          return tap.stats.firstPartByteAt - result.startedAt;
        };
        env.credentialMode = 'fresh';
        const cold = await measureOne().finally(() => {
          env.credentialMode = 'cached';
        });
        const warm = await measureOne();
        return { cold, warm };
      } finally {
        await context.close();
      }
    },
  };
}

export const firstByte: Benchmark = {
  id: 'first-byte',
  title: '4. Time to first byte',
  async run(env, settings) {
    // Two parts (8 MiB + 1 MiB): above every contender's multipart threshold, small enough
    // for the slowest contender to finish both uploads of a round.
    const size = 9 * MiB;
    const names: PageName[] = ['s3up', 'lib-storage', 'uppy'];
    await env.pages(names);
    await env.backend.restart();
    const rounds = settings.quick ? 1 : Math.max(settings.rounds, 3);
    const samples = await runInterleaved(
      names.map((n) => contender(env, n, size, settings.partSize, settings.concurrency)),
      { rounds, budgetMs: settings.quick ? 5 * 60_000 : 10 * 60_000, log: env.log },
    );
    const pick = (key: keyof FirstByte) =>
      samples.map((s) => ({ name: s.name, samples: s.samples.map((x) => x[key]), errors: s.errors }));
    const cold = compare(
      'first-byte-cold',
      'Time to first byte, first upload (nothing cached)',
      'ms',
      false,
      's3up',
      pick('cold'),
    );
    const warm = compare(
      'first-byte-warm',
      'Time to first byte, next upload (credentials cached)',
      'ms',
      false,
      's3up',
      pick('warm'),
    );
    return {
      settings: { file: sizeLabel(size), partSize: sizeLabel(settings.partSize), rounds },
      comparisons: [cold, warm],
      targets: [
        relativeTarget(
          'no target in the issue; shown: s3up ≤ lib-storage (cold)',
          cold,
          's3up',
          'lib-storage',
          1,
        ),
        relativeTarget(
          'no target in the issue; shown: s3up ≤ lib-storage (credentials cached)',
          warm,
          's3up',
          'lib-storage',
          1,
        ),
      ],
      notes: [
        "From the input's change event (page clock: performance.timeOrigin + now()) to the first UploadPart body byte arriving at the loopback tap (Node clock); both are the machine's wall clock.",
        "Cold: a fresh page whose /credentials request makes its own AssumeRole call, as a token server's cache miss does; s3up also fetches its lazily loaded SDK chunks here. Warm: a second upload in the same page with the credentials kept.",
        'The ratio column divides by s3up: above 1 means slower than s3up.',
      ],
    };
  },
};
