// @ts-check
/* global console, process */
// Summarises results/recurrent/: per env and policy, the finished runs (a .json each) and the
// learning curves (mean raw training return per bin of env steps, from the .csv episode logs,
// including runs still going; PendulumNoVel's bins are 12,800 steps, the 64 envs' 200-step
// episodes all ending together). Writes summary.md into the folder and prints it.
//   node recurrent/summarize.mjs [folder, default results/recurrent]
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'recurrent');
const binOf = (env) => (env.startsWith('Pendulum') ? 12_800 : 10_000);
const runs = readdirSync(dir)
  .filter((f) => f.endsWith('.csv'))
  .map((f) => {
    const [, env, policy, seed] = /^(.*)-(lstm|gru|mlp)-seed(\d+)\.csv$/.exec(f) ?? [];
    const rows = readFileSync(join(dir, f), 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').map(Number));
    const json = f.replace(/\.csv$/, '.json');
    const summary = existsSync(join(dir, json)) ? JSON.parse(readFileSync(join(dir, json), 'utf8')) : null;
    return { env, policy, seed: Number(seed), rows, summary };
  })
  .filter((r) => r.env !== undefined)
  .sort((a, b) => (a.env + a.policy + a.seed < b.env + b.policy + b.seed ? -1 : 1));

const fmt = (x, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? '-' : Number(x).toFixed(digits));
const lines = ['# Recurrent PPO results', '', 'Finished runs (a run that reached `--stop-at` stopped there):', ''];
lines.push('| env | policy | seed | steps | solved at (last-20 mean >= 475) | last-20 mean | deterministic eval (10 ep.) | env steps/s |');
lines.push('|---|---|---|---|---|---|---|---|');
for (const r of runs) {
  const s = r.summary;
  if (s === null) {
    const last = r.rows.length > 0 ? r.rows[r.rows.length - 1][0] : 0;
    lines.push(`| ${r.env} | ${r.policy} | ${r.seed} | ${last} (running or stopped, not finished) | - | - | - | - |`);
    continue;
  }
  const solved = s.stopAt === null ? 'n/a' : (s.stopAt.solvedAt ?? 'not within budget');
  lines.push(`| ${r.env} | ${r.policy} | ${r.seed} | ${s.globalStep} | ${solved} | ${fmt(s.meanReturnLast20)} | ${fmt(s.deterministicEval.mean)} +- ${fmt(s.deterministicEval.std)} | ${s.sps ?? '-'} |`);
}
lines.push('', 'Learning curves: mean raw training return of the episodes ending in each bin of env steps.', '');
for (const env of [...new Set(runs.map((r) => r.env))]) {
  const group = runs.filter((r) => r.env === env);
  const BIN = binOf(env);
  const bins = Math.max(...group.map((r) => (r.rows.length > 0 ? Math.floor((r.rows[r.rows.length - 1][0] - 1) / BIN) + 1 : 0)));
  lines.push(`### ${env}`, '', `| steps (k) | ${group.map((r) => `${r.policy} s${r.seed}`).join(' | ')} |`, `|---|${group.map(() => '---').join('|')}|`);
  for (let b = 0; b < bins; b++) {
    const cells = group.map((r) => {
      const inBin = r.rows.filter(([step]) => Math.floor((step - 1) / BIN) === b).map(([, ret]) => ret);
      return inBin.length === 0 ? '' : fmt(inBin.reduce((x, y) => x + y, 0) / inBin.length);
    });
    lines.push(`| ${((b + 1) * BIN) / 1000} | ${cells.join(' | ')} |`);
  }
  lines.push('');
}
const text = `${lines.join('\n')}\n`;
writeFileSync(join(dir, 'summary.md'), text);
console.log(text);
