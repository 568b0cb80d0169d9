import { type Comparison, format, type RunResult } from './results.js';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function comparisonTable(comparison: Comparison): string {
  const lines = [
    `| contender | median (${cell(comparison.unit)}) | min–max | rounds | ${comparison.reference ? `÷ ${cell(comparison.reference)}` : ''} | failures |`,
    '| --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const c of comparison.contenders) {
    lines.push(
      `| ${cell(c.name)} | ${c.summary ? format(c.summary.median) : 'failed'} | ${
        c.summary ? `${format(c.summary.min)}–${format(c.summary.max)}` : ''
      } | ${c.summary?.n ?? 0} | ${c.ratioToReference === null ? '' : `${c.ratioToReference.toFixed(2)}×`} | ${cell(
        c.errors.map((e) => e.slice(0, 160)).join('; '),
      )} |`,
    );
  }
  return lines.join('\n');
}

/** bench/results/latest.md: the report a reviewer reads. */
export function renderMarkdown(result: RunResult): string {
  const m = result.machine;
  const out = [
    '# s3up benchmark report',
    '',
    `Run \`${result.command}\` (${result.mode} mode), ${result.startedAt} to ${result.finishedAt}.`,
    '',
    '## Machine and versions',
    '',
    `- CPU: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, load average ${m.loadAverage} at start (shared machine)`,
    `- OS: ${m.os}; Node ${m.node}; ${m.chromium}; ${m.ceph}`,
    `- s3up: git ${m.git.commit}${m.git.dirty ? ' (with uncommitted changes in the measured packages)' : ''}`,
    `- ${Object.entries(m.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    '',
    'Figures are medians of interleaved rounds (contenders take turns in one process). Targets are',
    'from issue 8; they are reported, not asserted.',
    '',
    '![chart](latest.svg)',
  ];
  for (const b of result.benchmarks) {
    out.push('', `## ${b.title}`, '');
    if (b.error) out.push(`**Not measured:** ${b.error}`, '');
    const settings = Object.entries(b.settings);
    if (settings.length)
      out.push(`Settings: ${settings.map(([k, v]) => `${k} = \`${JSON.stringify(v)}\``).join(', ')}.`, '');
    for (const comparison of b.comparisons)
      out.push(`### ${comparison.title}`, '', comparisonTable(comparison), '');
    if (b.targets.length) {
      out.push('| target | measured | verdict |', '| --- | --- | --- |');
      for (const t of b.targets)
        out.push(
          `| ${cell(t.description)} | ${cell(t.measured)} | ${t.met === null ? 'not measured' : t.met ? 'met' : '**missed**'} |`,
        );
      out.push('');
    }
    for (const note of b.notes) out.push(`- ${note}`);
    out.push('', `_${(b.durationMs / 1000).toFixed(0)} s_`);
  }
  return `${out.join('\n')}\n`;
}
