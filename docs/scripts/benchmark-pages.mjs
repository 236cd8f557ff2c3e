// @ts-check
/* global console */
// Generates the measured parts of the Benchmarks page from the committed result files, before
// every build and dev server, so the page cannot drift from them:
//   .generated/benchmarks/mujoco.md      the MuJoCo reproduction's table (benchmarks/mujoco/lib.mjs)
//   .generated/benchmarks/minatar.md     the MinAtar results' table (benchmarks/minatar/lib.mjs)
//   .generated/benchmarks/throughput.md  the throughput suite's targets and, per backend, its newest full run
//   public/results/mujoco/plots/*.svg     the committed learning curves (and results/minatar/plots)
// benchmarks.md includes the fragments with `<!--@include: ...-->`; all three are git-ignored.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readResults, RESULTS_DIR, resultsMarkdown, RUNS_DIR } from '../../benchmarks/mujoco/lib.mjs';
import * as minatar from '../../benchmarks/minatar/lib.mjs';
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

const MINATAR_PLOTS_URL = '/results/minatar/plots';
const minatarPlotsOut = join(docsRoot, 'public', ...MINATAR_PLOTS_URL.split('/').filter(Boolean));
rmSync(minatarPlotsOut, { recursive: true, force: true });
mkdirSync(minatarPlotsOut, { recursive: true });
const minatarRuns = minatar.readRuns();
writeFileSync(
  join(fragmentsDir, 'minatar.md'),
  minatar.resultsMarkdown(minatarRuns, { headingLevel: 2, runsPath: `${fromRoot(minatar.RUNS_DIR)}/`, plotsPath: MINATAR_PLOTS_URL, envSpeed: minatar.readEnvSpeed(), trainSpeed: minatar.readTrainSpeed() }),
);
const minatarPlotsDir = join(minatar.RESULTS_DIR, 'plots');
if (existsSync(minatarPlotsDir)) {
  for (const name of readdirSync(minatarPlotsDir).filter((n) => n.endsWith('.svg'))) copyFileSync(join(minatarPlotsDir, name), join(minatarPlotsOut, name));
}

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
  `benchmark pages: ${runs.length} MuJoCo run files, ${plots.length} plots, ${minatarRuns.length} MinAtar run files, ${reports.length} throughput result files -> ${relative(docsRoot, fragmentsDir)}/, ${relative(docsRoot, plotsOut)}/`,
);
