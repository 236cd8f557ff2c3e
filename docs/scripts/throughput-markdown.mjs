// @ts-check
// The throughput suite's result files (benchmarks/results/bench-<date>-<backends>[-quick].json,
// written by `pnpm bench`) as markdown for the Benchmarks page: the targets, then for every
// backend the newest full run that measured it, one table per file.

import { sideBySideMarkdown } from '../../benchmarks/src/side-by-side-markdown.mjs';

/**
 * @typedef {object} TargetCheck one target a row was held against (benchmarks/src/targets.mjs)
 * @property {string} figure `median` or `peakRssMaxMb`
 * @property {'>=' | '<'} relation
 * @property {number} limit
 * @property {number} value
 * @property {boolean} pass
 */

/**
 * @typedef {object} BenchRow one measurement of the suite (benchmarks/src/run.mjs); the optional
 * fields are missing from files written before the suite recorded them
 * @property {string} group env, act, update, train or rss (the rows come in that order)
 * @property {string} name
 * @property {string | null} backend tfjs backend; null for env stepping
 * @property {string | null} [backendUsed] the backend the job reported it ran on
 * @property {string} unit
 * @property {number} median
 * @property {number | null} medianPerCpuSecond training rate per CPU-second of the whole process
 * @property {number | null} [medianMainThreadBusy] share of the measured time the main thread was on a core
 * @property {number | null} [medianWithStartup] training rate over the process's whole life
 * @property {number} peakRssMb
 * @property {number[]} runs every repeat's figure
 * @property {TargetCheck[]} [checks]
 */

/**
 * @typedef {object} BenchReport one result file
 * @property {string} date ISO time of the run's end
 * @property {boolean} quick a `--quick` or `--smoke` pass
 * @property {number | Record<string, number>} repeats runs per measurement, per group in newer files
 * @property {number} [durationSeconds]
 * @property {{ cpu: string; cores: number; memoryGb: number; node: string; platform: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] }} machine
 * @property {string} [defaultBackend] what `selectBackend('auto')` picked
 * @property {number | null} [otherCpuCores] cores other processes kept busy on average during the run
 * @property {number} [sharedThresholdCores] above it, the run counts as shared
 * @property {boolean | null} sharedMachine other jobs ran during it (null: not measurable)
 * @property {string} note
 * @property {any} [sideBySide] the alternating runs against the PyTorch references (benchmarks/src/side-by-side.mjs)
 * @property {BenchRow[]} results
 */

/**
 * @typedef {object} Targets what the suite checks and compares against (benchmarks/src/targets.mjs)
 * @property {{ what: string; atLeast: number; unit: string }[]} throughput on the default backend
 * @property {number} peakRssLimitMb
 * @property {{ what: string; atLeast: number }[]} ratios over the PyTorch references, measured side by side
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

/** @param {BenchReport} report */
const backendsOf = (report) => [...new Set(report.results.flatMap((r) => (r.backend === null ? [] : [r.backend])))].sort();

/**
 * The reports to show and the backends each is shown for: for every backend, the newest day's
 * full (not `--quick`) runs that measured it, a run on an idle machine before one on a shared
 * machine (which depresses wall-clock rates), then the newest. Newest file first.
 * @param {readonly { file: string; report: BenchReport }[]} reports
 * @returns {{ file: string; report: BenchReport; backends: string[] }[]}
 */
export function newestReports(reports) {
  const full = reports.filter(({ report }) => !report.quick);
  /** @param {BenchReport} report 0 idle, 1 not measured, 2 shared */
  const sharedRank = (report) => (report.sharedMachine === false ? 0 : report.sharedMachine === null ? 1 : 2);
  /** @type {Map<string, { file: string; report: BenchReport; backends: string[] }>} */
  const chosen = new Map();
  for (const backend of [...new Set(full.flatMap(({ report }) => backendsOf(report)))].sort()) {
    const measured = full.filter(({ report }) => backendsOf(report).includes(backend));
    const day = measured.map(({ report }) => report.date.slice(0, 10)).sort().at(-1);
    const [best] = measured
      .filter(({ report }) => report.date.slice(0, 10) === day)
      .sort((a, b) => sharedRank(a.report) - sharedRank(b.report) || (a.report.date < b.report.date ? 1 : -1));
    const entry = chosen.get(best.file) ?? { ...best, backends: [] };
    entry.backends.push(backend);
    chosen.set(best.file, entry);
  }
  return [...chosen.values()].sort((a, b) => (a.report.date < b.report.date ? 1 : -1));
}

/**
 * @param {number | null | undefined} x
 * @param {number} [digits]
 */
function fmt(x, digits = 0) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** @param {BenchRow} row */
const digitsOf = (row) => (row.unit.startsWith('ms/') || row.unit.startsWith('MB/') ? 2 : 0);

/** @param {TargetCheck} check */
function checkText(check) {
  const what = check.figure === 'median' ? '' : 'RSS ';
  return `${what}${check.relation === '>=' ? '≥' : '<'} ${fmt(check.limit)}: ${check.pass ? 'met' : '**missed**'}`;
}

/**
 * The targets as a table. PyTorch figures appear only as ratios measured side by side in the
 * same run (each result file's own section below), never as rates taken elsewhere.
 * @param {Targets} targets
 * @returns {string}
 */
export function targetsMarkdown(targets) {
  return [
    'Targets, checked on every full run (the `targets` column of the tables below): training rates after warm-up on the default ' +
      "backend (the one `selectBackend('auto')` picks), and the peak memory of every job.",
    '',
    '| target | value |',
    '|---|---:|',
    ...targets.throughput.map((t) => `| ${t.what}, default backend | ≥ ${fmt(t.atLeast)} ${t.unit} |`),
    `| peak RSS of every job, largest over its runs | < ${fmt(targets.peakRssLimitMb)} MB |`,
    ...targets.ratios.map((t) => `| ${t.what}, side by side | ≥ ${t.atLeast.toFixed(1)}× |`),
    '',
  ].join('\n');
}

/** @param {BenchReport} report */
function loadText(report) {
  const { machine } = report;
  const load = `load average (1, 5, 15 min) ${machine.loadAverageAtStart.join(', ')} at the start, ${machine.loadAverageAtEnd.join(', ')} at the end`;
  if (typeof report.otherCpuCores === 'number') {
    const verdict = report.sharedMachine ? 'other jobs shared the machine' : 'no other job ran';
    return `Other processes kept ${fmt(report.otherCpuCores, 2)} cores busy on average (above ${report.sharedThresholdCores ?? 0.25} counts as shared): ${verdict}; ${load}.`;
  }
  if (report.otherCpuCores === null) return `Other processes' CPU use was not measurable on this platform; ${load}.`;
  // Files from before the suite measured other processes judged the machine by load averages.
  return `${load[0].toUpperCase()}${load.slice(1)}: ${report.sharedMachine ? 'other jobs shared the machine' : 'no other job ran'} (judged from the load averages).`;
}

/** @param {BenchReport} report */
function repeatsText({ repeats }) {
  if (typeof repeats === 'number') return `Medians of ${repeats} run${repeats > 1 ? 's' : ''}.`;
  return `Runs per measurement (the table shows medians): ${Object.entries(repeats)
    .map(([group, n]) => `${group} ${n}`)
    .join(', ')}.`;
}

/**
 * The throughput section's body: the targets, which files it shows, then per file its provenance
 * (path, time, machine, backends, load) and a table of its measurements of the backends it is
 * shown for (and of those that use no backend).
 * @param {readonly { file: string; report: BenchReport }[]} reports every result file, `file` as the page names it
 * @param {{ headingLevel?: number; targets?: Targets }} [options] level of each file's heading; the targets to list
 * @returns {string}
 */
export function throughputMarkdown(reports, { headingLevel = 3, targets } = {}) {
  const head = targets === undefined ? [] : [targetsMarkdown(targets)];
  const shown = newestReports(reports);
  if (shown.length === 0) return [...head, 'No result file of the suite is committed yet; `pnpm bench` writes one.\n'].join('\n');
  const older = reports.length - shown.length;
  const lines = [
    ...head,
    `The newest full run${shown.length > 1 ? 's' : ''} of the suite, for each backend: ` +
      `${shown.map(({ file, backends }) => `\`${file}\` (${backends.join(', ')})`).join(' and ')}` +
      (older > 0 ? `; ${older} other result file${older > 1 ? 's' : ''}, older, superseded or \`--quick\`, not shown.` : '.'),
  ];
  for (const { file, report, backends } of shown) {
    const { machine } = report;
    const rows = report.results.filter((r) => r.backend === null || backends.includes(r.backend));
    const fileBackends = backendsOf(report);
    lines.push(
      '',
      `${'#'.repeat(headingLevel)} ${report.date.slice(0, 10)}, ${backends.join(', ')}, ${report.sharedMachine ? 'shared machine' : 'idle machine'}`,
      '',
      `From \`${file}\`, finished ${report.date.slice(0, 16).replace('T', ' ')} UTC` +
        `${report.durationSeconds === undefined ? '' : ` after ${fmt(report.durationSeconds / 60, 1)} minutes`}. ` +
        `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node} (${machine.platform}). ` +
        `Backends: ${fileBackends.join(', ') || '—'}${fileBackends.length > backends.length ? ` (shown here: ${backends.join(', ')})` : ''}` +
        `${report.defaultBackend === undefined ? '' : `; the default here is ${report.defaultBackend}`}. ${repeatsText(report)} ${loadText(report)}`,
    );
    if (report.note) lines.push('', `Note of the run: ${report.note}`);
    const side = sideBySideMarkdown(report);
    if (side !== '') lines.push('', side.trimEnd());
    lines.push(
      '',
      '| measurement | backend | median | unit | per CPU-second | main thread on core | incl. start-up | every run | peak RSS (MB) | targets |',
      '|---|---|---:|---|---:|---:|---:|---:|---:|---|',
      ...rows.map((r) => {
        const busy = r.medianMainThreadBusy === null || r.medianMainThreadBusy === undefined ? '—' : `${fmt(100 * r.medianMainThreadBusy)}%`;
        const checks = r.checks === undefined ? '—' : r.checks.map(checkText).join(', ');
        return (
          `| ${r.name} | ${r.backendUsed ?? r.backend ?? '—'} | ${fmt(r.median, digitsOf(r))} | ${r.unit} | ${fmt(r.medianPerCpuSecond)} | ${busy} | ` +
          `${fmt(r.medianWithStartup)} | ${r.runs.map((x) => fmt(x, digitsOf(r))).join(' · ')} | ${fmt(r.peakRssMb)} | ${checks} |`
        );
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}
