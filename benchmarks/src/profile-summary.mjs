/* global console, process */
// Summarises V8 .cpuprofile files (from `node --cpu-prof`, which writes one per thread: the main
// thread and each worker): self time by function and by package, and the inclusive time of the
// trainer's phases, summed over every file given, the top entries as tables.
// Usage: node profile-summary.mjs <file.cpuprofile>... [top]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const files = args.filter((arg) => !/^\d+$/.test(arg));
const topArg = args.find((arg) => /^\d+$/.test(arg));
if (files.length === 0) {
  console.error('usage: node profile-summary.mjs <file.cpuprofile>... [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);

function packageOf(url) {
  if (url === '') return '(native/vm)';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm !== null) return pnpm[1];
  const workspace = /\/packages\/([^/]+)\//.exec(url);
  if (workspace !== null) return `@ppo/${workspace[1]}`;
  if (url.startsWith('node:')) return 'node';
  return url.replace(/^.*\//, '');
}

const show = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${((100 * micros) / total).toFixed(1).padStart(6)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`);
  }
};
// Inclusive time of the trainer's phases: a sample counts for a phase when the phase's
// function is anywhere on its stack.
const PHASES = ['collectRollout', 'act', 'step', 'optimise', 'minimize', 'variableGrads', 'evaluate', 'policyLoss', 'gae', 'checkpoint'];
const byFunction = new Map();
const byPackage = new Map();
const phaseMicros = new Map();
const add = (map, key, micros) => map.set(key, (map.get(key) ?? 0) + micros);
let total = 0;
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  // Node ids are per profile, so each file is walked on its own and only the sums are merged.
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMicros = new Map();
  // timeDeltas[k] is the time since the previous sample; it is charged to samples[k].
  profile.samples.forEach((id, k) => add(selfMicros, id, profile.timeDeltas[k] ?? 0));
  const fileTotal = [...selfMicros.values()].reduce((a, b) => a + b, 0);
  total += fileTotal;
  console.log(`${file}: ${(fileTotal / 1e6).toFixed(2)} s sampled`);
  for (const [id, micros] of selfMicros) {
    const { callFrame } = byId.get(id);
    const pkg = packageOf(callFrame.url);
    add(byFunction, `${callFrame.functionName || '(anonymous)'} ${pkg}:${callFrame.lineNumber + 1}`, micros);
    add(byPackage, pkg, micros);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const fn = byId.get(at).callFrame.functionName;
      if (PHASES.includes(fn) && !seen.has(fn)) {
        seen.add(fn);
        add(phaseMicros, fn, micros);
      }
    }
  }
}
console.log(`total sampled: ${(total / 1e6).toFixed(2)} s${files.length > 1 ? ` over ${files.length} files (threads), summed` : ''}`);
show('inclusive time of the training phases', phaseMicros, PHASES.length);
show('self time by package', byPackage, 12);
show('self time by function', byFunction, top);
