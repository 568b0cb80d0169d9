import { BenchError } from '../bench-error.js';
import type { Benchmark } from '../benchmark.js';
import type { BenchEnvironment } from '../environment.js';
import { type Contender, runInterleaved } from '../interleave.js';
import type { PageName } from '../page-bundle.js';
import { compare, relativeTarget } from '../results.js';
import { MiB, sizeLabel } from '../test-file.js';

/** From the page being ready to the file being picked. */
const PICK_DELAY_MS = 1000;

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
        // A person takes a moment to pick a file after the page shows: the same second for
        // every contender (a page may use it, e.g. to fetch code while idle).
        await new Promise((r) => setTimeout(r, PICK_DELAY_MS));
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
  title: 'Time to first byte',
  order: 40,
  async run(env, settings) {
    // Two parts (8 MiB + 1 MiB): above every contender's multipart threshold, small enough
    // for the slowest contender to finish both uploads of a round.
    const size = 9 * MiB;
    const names: PageName[] = ['s3up', 'ceiling', 'lib-storage', 'uppy'];
    await env.pages(names);
    await env.backend.restart();
    await env.warmUpBackend();
    const contenders = names.map((n) => contender(env, n, size, settings.partSize, settings.concurrency));
    // One untimed upload per contender first: the first page a freshly launched Chromium opens
    // pays for the browser's own start (its network service, the first renderer): 230 to 330 ms
    // to the first part byte where the next rounds take 40 to 60, at load 15 to 27, whoever
    // goes first (s3up, in round 1). "Cold" is a page's first upload, not the browser's.
    if (!settings.quick)
      for (const c of contenders)
        await c
          .run(0, async () => {})
          .catch((error: unknown) => env.log(`  ${c.name} warm-up: ${(error as Error).message}`));
    const rounds = settings.quick ? 1 : Math.max(settings.rounds, 3);
    const samples = await runInterleaved(contenders, {
      rounds,
      budgetMs: settings.quick ? 5 * 60_000 : 10 * 60_000,
      log: env.log,
    });
    const pick = (key: keyof FirstByte) =>
      samples.map((s) => ({ name: s.name, samples: s.samples.map((x) => x[key]), errors: s.errors }));
    const cold = compare(
      'first-byte-cold',
      'Time to first byte, first upload (nothing cached)',
      'ms',
      false,
      'ceiling',
      pick('cold'),
    );
    const warm = compare(
      'first-byte-warm',
      'Time to first byte, next upload (credentials cached)',
      'ms',
      false,
      'ceiling',
      pick('warm'),
    );
    return {
      settings: { file: sizeLabel(size), partSize: sizeLabel(settings.partSize), rounds },
      comparisons: [cold, warm],
      targets: [
        relativeTarget(
          "first upload: s3up's time to first part byte ≤ 1.5 × the browser ceiling's",
          cold,
          's3up',
          'ceiling',
          1.5,
        ),
        relativeTarget(
          "next upload: s3up's time to first part byte ≤ 1.5 × the browser ceiling's",
          warm,
          's3up',
          'ceiling',
          1.5,
        ),
      ],
      notes: [
        "From the input's change event (page clock: performance.timeOrigin + now()) to the first UploadPart body byte arriving at the loopback tap (Node clock); both are the machine's wall clock.",
        "Cold: a fresh page whose /credentials request makes its own AssumeRole call, as a token server's cache miss does; s3up also fetches its lazily loaded SDK chunks here. Warm: a second upload in the same page with the credentials kept.",
        'Before the rounds, each contender uploads once, untimed: the first page of a freshly launched Chromium pays for the browser starting (230 to 330 ms to the first part byte, against 40 to 60 in later rounds, at load 15 to 27).',
        'The backend is restarted, then warmed by one untimed multipart upload from Node: RGW answers its first CreateMultipartUpload after a start in 100 to 260 ms, which the contender going first in round 1 (s3up) paid before.',
        "s3up's page bundles the SDK as @s3up/core ships it to browsers (its lean-sdk build); lib-storage's, the full client-s3 its users ship.",
        `The file is picked ${PICK_DELAY_MS} ms after the page is ready (its contender code loaded), for every contender: a person needs at least that long.`,
        'The ratio column divides by the browser ceiling (the bare in-page uploader: presigned XHR PUTs, no SDK): above 1 means slower than it.',
      ],
    };
  },
};

export default firstByte;
