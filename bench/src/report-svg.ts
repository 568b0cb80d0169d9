import { format, type RunResult } from './results.js';

const xml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const WIDTH = 820;
const LABEL = 190;
const BAR_MAX = 470;
const ROW = 22;
const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2'];

/**
 * bench/results/latest.svg: one panel per comparison, a bar per contender at its median
 * with a whisker from min to max. Plain SVG without scripts or fonts so it renders in
 * GitHub, an image viewer or the browser alike.
 */
export function renderSvg(result: RunResult): string {
  const parts: string[] = [];
  let y = 34;
  parts.push(
    `<text x="12" y="22" font-size="15" font-weight="bold">s3up benchmarks, ${xml(result.startedAt.slice(0, 16))} UTC, ${xml(
      result.mode,
    )} mode (medians; whiskers: min–max)</text>`,
  );
  for (const benchmark of result.benchmarks) {
    for (const comparison of benchmark.comparisons) {
      const measured = comparison.contenders.filter((c) => c.summary);
      y += 20;
      parts.push(
        `<text x="12" y="${y}" font-size="13" font-weight="bold">${xml(comparison.title)} (${xml(
          comparison.unit,
        )}, ${comparison.higherIsBetter ? 'higher' : 'lower'} is better)</text>`,
      );
      y += 8;
      const max = Math.max(1e-9, ...measured.map((c) => c.summary!.max));
      comparison.contenders.forEach((c, i) => {
        const top = y + i * ROW;
        parts.push(`<text x="12" y="${top + 15}" font-size="12">${xml(c.name)}</text>`);
        if (!c.summary) {
          parts.push(
            `<text x="${LABEL}" y="${top + 15}" font-size="12" fill="#dc2626">failed / not measured</text>`,
          );
          return;
        }
        const w = (c.summary.median / max) * BAR_MAX;
        const color = COLORS[i % COLORS.length]!;
        parts.push(
          `<rect x="${LABEL}" y="${top + 3}" width="${w.toFixed(1)}" height="${ROW - 8}" fill="${color}" opacity="0.8"/>`,
        );
        const x1 = LABEL + (c.summary.min / max) * BAR_MAX;
        const x2 = LABEL + (c.summary.max / max) * BAR_MAX;
        parts.push(
          `<line x1="${x1.toFixed(1)}" x2="${x2.toFixed(1)}" y1="${top + 10}" y2="${top + 10}" stroke="#111" stroke-width="1.5"/>`,
        );
        const ratioText =
          c.ratioToReference === null ? '' : ` (${c.ratioToReference.toFixed(2)}× ${comparison.reference})`;
        parts.push(
          `<text x="${LABEL + BAR_MAX + 8}" y="${top + 15}" font-size="11">${xml(format(c.summary.median))}${xml(ratioText)}</text>`,
        );
      });
      y += comparison.contenders.length * ROW + 6;
    }
  }
  const height = y + 16;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH + 160}" height="${height}" viewBox="0 0 ${WIDTH + 160} ${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
${parts.join('\n')}
</svg>
`;
}
