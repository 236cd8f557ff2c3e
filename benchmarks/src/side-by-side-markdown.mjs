// @ts-check
// The side-by-side section of a result file as Markdown, for the suite's output and the
// Benchmarks page (no dependencies, so the docs build can import it).

/**
 * A number with thousands separators and `digits` decimals; a dash for null or non-finite.
 * @param {number | null | undefined} x
 * @param {number} [digits]
 */
export function fmt(x, digits = 0) {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * The side-by-side section of a result file as Markdown: the date, the machine, both sides'
 * raw figures per pair and the median ratio. Empty when the file has none.
 * @param {{ date: string; machine: { cpu: string; cores: number; node: string }; defaultBackend: string; sideBySide?: any }} report
 */
export function sideBySideMarkdown(report) {
  const side = report.sideBySide;
  if (side === undefined || side === null) return '';
  if (!side.available) return `PyTorch side by side: not run (${side.reason}).\n`;
  const lines = [
    `Measured ${report.date.slice(0, 16).replace('T', ' ')} UTC on ${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}, ` +
      `backend ${report.defaultBackend}; PyTorch ${side.torchVersion} on the CPU (${side.python}). Both sides train the same steps with the same ` +
      `hyperparameters, alternating; ours is the rate after warm-up, PyTorch's over its whole training loop. Ratio: ours over the faster of PyTorch's ` +
      '1 and 2 threads, per pair; the median over the pairs.',
    '',
    '| workload | steps per run | pair | @ppo env steps/s | PyTorch 1 thread | PyTorch 2 threads | ratio | load average |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const w of side.workloads) {
    if (w.skipped !== undefined) {
      lines.push(`| ${w.env}, \`${w.preset}\` | — | — | — | — | — | skipped: ${w.skipped} | — |`);
      continue;
    }
    w.pairs.forEach((p, k) => {
      lines.push(`| ${w.env}, \`${w.preset}\` | ${fmt(w.steps)} | ${k + 1} | ${fmt(p.ours)} | ${fmt(p.torch1)} | ${fmt(p.torch2)} | ${p.ratio.toFixed(2)}× | ${p.loadAverage.join(' ')} |`);
    });
    const target = w.target === null ? '' : ` (target ≥ ${w.target.atLeast.toFixed(1)}×: ${w.target.pass ? 'met' : '**missed**'})`;
    lines.push(`| **${w.env}, median** | | | ${fmt(w.medianOurs)} | ${fmt(w.medianTorch1)} | ${fmt(w.medianTorch2)} | **${w.medianRatio.toFixed(2)}×**${target} | |`);
  }
  return `${lines.join('\n')}\n`;
}
