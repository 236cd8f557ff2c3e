/* global console, process */
// Compares two builds of the packages on one job, alternating their runs so that both see the
// same load on a shared machine. Each build is a checkout with its own benchmarks/ directory.
// Usage: node compare.mjs <checkout A> <checkout B> '<job JSON>' [repeats = 5]
import { join } from 'node:path';
import { runJob } from './child.mjs';
import { median } from './stats.mjs';

const [a, b, jobText, repeatsText] = process.argv.slice(2);
if (a === undefined || b === undefined || jobText === undefined) {
  console.error("usage: node compare.mjs <checkout A> <checkout B> '<job JSON>' [repeats]");
  process.exit(2);
}
const job = JSON.parse(jobText);
const repeats = Number(repeatsText ?? 5);
if (!Number.isInteger(repeats) || repeats < 1) {
  console.error(`repeats must be a positive integer, got ${JSON.stringify(repeatsText)}`);
  process.exit(2);
}
const values = { [a]: [], [b]: [] };
const rss = { [a]: [], [b]: [] };
for (let r = 0; r < repeats; r++) {
  // Alternate which build goes first, so neither always follows the other.
  for (const dir of r % 2 === 0 ? [a, b] : [b, a]) {
    const result = await runJob(join(dir, 'benchmarks/src/job.mjs'), job);
    // Rates per CPU-second when the job reports them: they vary less with the load than
    // wall-clock rates (both builds pay the same GC and compiler threads in them).
    values[dir].push(result.perCpuSecond ?? result.value);
    rss[dir].push(result.maxRssMb);
    console.log(`${dir}: ${result.value.toFixed(1)} ${result.unit} (${(result.perCpuSecond ?? NaN).toFixed(1)} per CPU-second), peak RSS ${result.maxRssMb.toFixed(0)} MB`);
  }
}
const ma = median(values[a]);
const mb = median(values[b]);
console.log(`median ${a}: ${ma.toFixed(1)} (RSS ${median(rss[a]).toFixed(0)} MB)`);
console.log(`median ${b}: ${mb.toFixed(1)} (RSS ${median(rss[b]).toFixed(0)} MB)`);
console.log(`ratio B/A: ${(mb / ma).toFixed(3)}; per-pair ratios: ${values[a].map((x, k) => (values[b][k] / x).toFixed(2)).join(' ')}`);
