import { type Comparison, format, type RunResult } from './results.js';

function comparisonRows(comparison: Comparison): string[][] {
  return comparison.contenders.map((c) => [
    c.name,
    c.summary ? format(c.summary.median) : 'failed',
    c.summary ? `${format(c.summary.min)}–${format(c.summary.max)}` : '',
    c.summary ? String(c.summary.n) : '0',
    c.ratioToReference === null ? '' : `${c.ratioToReference.toFixed(2)}×`,
    c.errors.length ? `${c.errors.length} failed` : '',
  ]);
}

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The plain-text table `pnpm bench` prints at the end. */
export function renderTable(result: RunResult): string {
  const out: string[] = [];
  for (const benchmark of result.benchmarks) {
    out.push('', `== ${benchmark.title} ==`);
    if (benchmark.error) out.push(`  not measured: ${benchmark.error}`);
    for (const comparison of benchmark.comparisons) {
      out.push(
        `-- ${comparison.title} (${comparison.unit}, ${comparison.higherIsBetter ? 'higher' : 'lower'} is better)${comparison.noisy ? ' NOISY' : ''}`,
      );
      const ratioHeader = comparison.reference ? `÷ ${comparison.reference}` : '';
      out.push(pad([['contender', 'median', 'range', 'n', ratioHeader, ''], ...comparisonRows(comparison)]));
    }
    for (const target of benchmark.targets) {
      const mark = target.met === null ? 'NOT MEASURED' : target.met ? 'met' : 'MISSED';
      out.push(`  [${mark}] ${target.description}: ${target.measured}`);
    }
  }
  return out.join('\n');
}
