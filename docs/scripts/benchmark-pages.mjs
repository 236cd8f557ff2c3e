// @ts-check
/* global console */
// Generates the measured parts of the Benchmarks page from the committed result files, before
// every build and dev server, so the page cannot drift from them:
//   .generated/benchmarks/mujoco.md      the MuJoCo reproduction's table (benchmarks/mujoco/lib.mjs)
//   .generated/benchmarks/throughput.md  the throughput suite's targets and, per backend, its newest full run
//   public/results/mujoco/plots/*.svg     the committed learning curves
// benchmarks.md includes the fragments with `<!--@include: ...-->`; all three are git-ignored.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readResults, RESULTS_DIR, resultsMarkdown, RUNS_DIR } from '../../benchmarks/mujoco/lib.mjs';
import { PEAK_RSS_LIMIT_MB, RATIO_TARGETS, THROUGHPUT_TARGETS } from '../../benchmarks/src/targets.mjs';
import { parseBenchReport, throughputMarkdown } from './throughput-markdown.mjs';

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(docsRoot, '..');
const benchResultsDir = join(repoRoot, 'benchmarks', 'results');
const fragmentsDir = join(docsRoot, '.generated', 'benchmarks');
/** Served at `<base>results/mujoco/plots/`; the page links it from the site's root. */
const PLOTS_URL = '/results/mujoco/plots';
const plotsOut = join(docsRoot, 'public', ...PLOTS_URL.split('/').filter(Boolean));

/** A path as the page names it: from the repository's root, with forward slashes. */
const fromRoot = (/** @type {string} */ path) => relative(repoRoot, path).replace(/\\/g, '/');

// Start empty, so an env or a result file that is gone does not linger on the page.
rmSync(fragmentsDir, { recursive: true, force: true });
rmSync(plotsOut, { recursive: true, force: true });
mkdirSync(fragmentsDir, { recursive: true });
mkdirSync(plotsOut, { recursive: true });

const runs = readResults();
writeFileSync(
  join(fragmentsDir, 'mujoco.md'),
  resultsMarkdown(runs, { headingLevel: 2, runsPath: `${fromRoot(RUNS_DIR)}/`, plotsPath: PLOTS_URL }),
);
const committedPlots = join(RESULTS_DIR, 'plots');
const plots = existsSync(committedPlots) ? readdirSync(committedPlots).filter((name) => name.endsWith('.svg')) : [];
for (const name of plots) copyFileSync(join(committedPlots, name), join(plotsOut, name));

const reports = readdirSync(benchResultsDir)
  .filter((name) => /^bench-.*\.json$/.test(name))
  .sort()
  .map((name) => {
    const path = join(benchResultsDir, name);
    return { file: fromRoot(path), report: parseBenchReport(path, readFileSync(path, 'utf8')) };
  });
writeFileSync(
  join(fragmentsDir, 'throughput.md'),
  throughputMarkdown(reports, { targets: { throughput: THROUGHPUT_TARGETS, peakRssLimitMb: PEAK_RSS_LIMIT_MB, ratios: RATIO_TARGETS } }),
);

console.log(
  `benchmark pages: ${runs.length} MuJoCo run files, ${plots.length} plots, ${reports.length} throughput result files -> ${relative(docsRoot, fragmentsDir)}/, ${relative(docsRoot, plotsOut)}/`,
);
