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
  const settings = comparison.contenders.filter((c) => c.setting);
  if (settings.length) {
    lines.push('', 'Settings, and why:', '');
    for (const c of settings) lines.push(`- **${cell(c.name)}**: ${cell(c.setting!)}`);
  }
  const withCpu = comparison.contenders.filter((c) => c.cpu && Object.keys(c.cpu.msPerMiB).length);
  if (withCpu.length) {
    const groups = [...new Set(withCpu.flatMap((c) => Object.keys(c.cpu!.msPerMiB)))].sort((a, b) =>
      a === 'others' ? 1 : b === 'others' ? -1 : a.localeCompare(b),
    );
    lines.push(
      '',
      `CPU per MiB (ms, median over rounds), by process${comparison.noisy ? ' (**noisy**: others used more than a tenth of the CPU in some round)' : ''}:`,
      '',
      `| contender | ${groups.map(cell).join(' | ')} | others' share of the CPU per round |`,
      `| --- | ${groups.map(() => '---:').join(' | ')} | --- |`,
    );
    for (const c of withCpu)
      lines.push(
        `| ${cell(c.name)} | ${groups.map((g) => (c.cpu!.msPerMiB[g] === undefined ? '' : format(c.cpu!.msPerMiB[g]!))).join(' | ')} | ${c
          .cpu!.othersShare.map((x) => `${(x * 100).toFixed(0)}%`)
          .join(', ')}${c.cpu!.noisyRounds ? ' (noisy)' : ''} |`,
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
    'The figures before issue 21 (full run of 29 November 2026) are kept in `bench/results/before-issue-21/`, with why they changed (`NOTE.md`: a harness artefact, what is now counted, what the token server and its benchmarks changed).',
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
    'from issues 8 and 21; they are reported, not asserted. In latest.json every comparison carries its',
    'targets (`metric`, `op`, `threshold`, `value`, `met`) and a `noisy` flag.',
    '',
    result.noisy
      ? '**This run is noisy**: in at least one round other processes on the shared machine used more than a tenth of the CPU (see the CPU tables).'
      : 'Quiet run: in no round did other processes use more than a tenth of the CPU.',
    '',
    '![chart](latest.svg)',
  ];
  for (const b of result.benchmarks) {
    out.push('', `## ${b.title}`, '');
    if (b.run)
      out.push(
        `Measured by \`${b.run.command}\` (${b.run.mode}), ${b.run.startedAt}, commit ${b.run.commit}, load average ${b.run.loadAverage} at start.`,
        '',
      );
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
