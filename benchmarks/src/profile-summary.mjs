// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by
// package, the top entries as a table. Usage: node profile-summary.mjs <file.cpuprofile> [top].
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node profile-summary.mjs <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map();
// timeDeltas[k] is the time since the previous sample; it is charged to samples[k].
profile.samples.forEach((id, k) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0)));
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

function packageOf(url) {
  if (url === '') return '(native/vm)';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm !== null) return pnpm[1];
  const workspace = /\/packages\/([^/]+)\//.exec(url);
  if (workspace !== null) return `@ppo/${workspace[1]}`;
  if (url.startsWith('node:')) return 'node';
  return url.replace(/^.*\//, '');
}

const byFunction = new Map();
const byPackage = new Map();
for (const [id, micros] of selfMicros) {
  const { callFrame } = byId.get(id);
  const pkg = packageOf(callFrame.url);
  const name = `${callFrame.functionName || '(anonymous)'} ${pkg}:${callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
}
const show = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${((100 * micros) / total).toFixed(1).padStart(6)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`);
  }
};
// Inclusive time of the trainer's phases: a sample counts for a phase when the phase's
// function is anywhere on its stack.
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const PHASES = ['collectRollout', 'act', 'step', 'optimise', 'minimize', 'variableGrads', 'evaluate', 'policyLoss', 'gae', 'checkpoint'];
const phaseMicros = new Map();
for (const [id, micros] of selfMicros) {
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const fn = byId.get(at).callFrame.functionName;
    if (PHASES.includes(fn) && !seen.has(fn)) {
      seen.add(fn);
      phaseMicros.set(fn, (phaseMicros.get(fn) ?? 0) + micros);
    }
  }
}
console.log(`total sampled: ${(total / 1e6).toFixed(2)} s`);
show('inclusive time of the training phases', phaseMicros, PHASES.length);
show('self time by package', byPackage, 12);
show('self time by function', byFunction, top);
