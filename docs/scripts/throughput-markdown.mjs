// @ts-check
// The throughput suite's result files (benchmarks/results/bench-<date>[-<backend>].json, written
// by `pnpm bench`) as markdown for the Benchmarks page: the newest day's full runs, one table each.

/**
 * @typedef {object} BenchRow one measurement of the suite (benchmarks/src/run.mjs)
 * @property {string} group env, act, update or train (the rows come in that order)
 * @property {string} name
 * @property {string | null} backend tfjs backend; null for env stepping
 * @property {string} unit
 * @property {number} median
 * @property {number | null} medianPerCpuSecond training rate per CPU-second of the process
 * @property {number} peakRssMb
 * @property {number[]} runs every repeat's figure
 */

/**
 * @typedef {object} BenchReport one result file
 * @property {string} date ISO time of the run's end
 * @property {boolean} quick a `--quick` pass
 * @property {number} repeats
 * @property {{ cpu: string; cores: number; memoryGb: number; node: string; platform: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] }} machine
 * @property {boolean} sharedMachine other jobs ran during it
 * @property {string} note
 * @property {BenchRow[]} results
 */

/**
 * Parses one result file, naming it when it is not a report of the suite.
 * @param {string} file its path, for the error
 * @param {string} text its contents
 * @returns {BenchReport}
 */
export function parseBenchReport(file, text) {
  const report = /** @type {BenchReport} */ (JSON.parse(text));
  if (typeof report.date !== 'string' || typeof report.machine !== 'object' || report.machine === null || !Array.isArray(report.results)) {
    throw new TypeError(`${file} is not a result file of the benchmark suite: expected date, machine and results`);
  }
  return report;
}

/**
 * The reports to show: the full (not `--quick`) runs of the newest day, runs on an idle machine
 * first, since a shared machine depresses wall-clock rates.
 * @param {readonly { file: string; report: BenchReport }[]} reports
 * @returns {{ file: string; report: BenchReport }[]}
 */
export function newestReports(reports) {
  const full = reports.filter(({ report }) => !report.quick);
  const day = full.map(({ report }) => report.date.slice(0, 10)).sort().at(-1);
  return full
    .filter(({ report }) => report.date.slice(0, 10) === day)
    .sort((a, b) => Number(a.report.sharedMachine) - Number(b.report.sharedMachine) || (a.report.date < b.report.date ? 1 : -1));
}

/**
 * @param {number | null} x
 * @param {string} unit
 */
function fmt(x, unit) {
  if (x === null || !Number.isFinite(x)) return '—';
  const digits = unit.startsWith('ms/') ? 2 : 0;
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * The throughput section's body: which files it shows, then per file its provenance (path, time,
 * machine, backends, load) and a table of every measurement.
 * @param {readonly { file: string; report: BenchReport }[]} reports every result file, `file` as the page names it
 * @param {{ headingLevel?: number }} [options] level of each file's heading
 * @returns {string}
 */
export function throughputMarkdown(reports, { headingLevel = 3 } = {}) {
  const shown = newestReports(reports);
  if (shown.length === 0) return 'No result file of the suite is committed yet; `pnpm bench` writes one.\n';
  const older = reports.length - shown.length;
  const lines = [
    `The newest full run${shown.length > 1 ? 's' : ''} of the suite: ${shown.map(({ file }) => `\`${file}\``).join(' and ')}` +
      (older > 0 ? ` (${older} other result file${older > 1 ? 's' : ''}, older or \`--quick\`, not shown).` : '.'),
  ];
  for (const { file, report } of shown) {
    const { machine } = report;
    const backends = [...new Set(report.results.flatMap((r) => (r.backend === null ? [] : [r.backend])))].join(', ') || '—';
    lines.push(
      '',
      `${'#'.repeat(headingLevel)} ${report.date.slice(0, 10)}, ${backends}, ${report.sharedMachine ? 'shared machine' : 'idle machine'}`,
      '',
      `From \`${file}\`, finished ${report.date.slice(0, 16).replace('T', ' ')} UTC. Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ` +
        `Node ${machine.node} (${machine.platform}). Backends: ${backends}. Medians of ${report.repeats} run${report.repeats > 1 ? 's' : ''}. ` +
        `Load average (1, 5, 15 min) ${machine.loadAverageAtStart.join(', ')} at the start, ${machine.loadAverageAtEnd.join(', ')} at the end: ` +
        `${report.sharedMachine ? 'other jobs shared the machine' : 'no other job ran'}.`,
    );
    if (report.note) lines.push('', `Note of the run: ${report.note}`);
    lines.push(
      '',
      '| measurement | backend | median | unit | per CPU-second | every run | peak RSS (MB) |',
      '|---|---|---:|---|---:|---:|---:|',
      ...report.results.map(
        (r) =>
          `| ${r.name} | ${r.backend ?? '—'} | ${fmt(r.median, r.unit)} | ${r.unit} | ${fmt(r.medianPerCpuSecond, r.unit)} | ` +
          `${r.runs.map((x) => fmt(x, r.unit)).join(' · ')} | ${fmt(r.peakRssMb, '')} |`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
