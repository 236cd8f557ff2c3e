/* global console, process */
// Extracts every ```ts block of the guide, the tutorials and the other hand-written pages,
// type-checks them against the workspace packages, and runs the blocks marked runnable, so
// the documentation fails the tests as soon as an API it shows changes.
//
// Markers, on the line before a block:
//   <!-- runnable -->  the block (with any blocks that continue it) is compiled and run;
//   <!-- continue -->  the block is appended to the previous block of the same page.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const workDir = join(docsRoot, '.snippets');
const srcDir = join(workDir, 'src');
const outDir = join(workDir, 'out');
const SKIP_DIRS = new Set(['node_modules', 'api', '.vitepress', '.snippets', '.screenshots', '.generated', 'scripts', 'public']);
const RUN_TIMEOUT_MS = 120_000;

function markdownFiles(dir) {
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!SKIP_DIRS.has(name)) files.push(...markdownFiles(path));
    } else if (name.endsWith('.md') && name !== 'README.md') {
      files.push(path);
    }
  }
  return files;
}

/** Groups of blocks per page: `{ page, runnable, segments: [{ line, code }] }`. */
function extract(file) {
  const page = relative(docsRoot, file).replace(/\\/g, '/');
  const lines = readFileSync(file, 'utf8').split('\n');
  const groups = [];
  let marker = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^(\s*)(`{3,})\s*(\S*)/.exec(line);
    if (fence === null) {
      if (line.trim() !== '') marker = line.trim();
      continue;
    }
    const [, indent, ticks, lang] = fence;
    const end = lines.findIndex((l, j) => j > i && l.startsWith(`${indent}${ticks}`) && l.trim() === ticks);
    if (end === -1) throw new Error(`${page}:${i + 1}: unclosed code fence`);
    if (lang === 'ts' || lang === 'typescript') {
      const segment = { line: i + 2, code: lines.slice(i + 1, end).join('\n') };
      if (marker === '<!-- continue -->') {
        if (groups.length === 0) throw new Error(`${page}:${i + 1}: a continued block needs a block before it`);
        groups[groups.length - 1].segments.push(segment);
      } else {
        groups.push({ page, runnable: marker === '<!-- runnable -->', segments: [segment] });
      }
    }
    marker = '';
    i = end;
  }
  return groups;
}

/**
 * Writes one module per group; imports are hoisted above the code so that continued blocks
 * can import what they need. Returns a map from generated lines back to Markdown lines.
 */
function writeGroup(group, name) {
  const imports = [];
  const body = [];
  const map = [];
  const importMap = [];
  for (const segment of group.segments) {
    const lines = segment.code.split('\n');
    let inImport = false;
    lines.forEach((line, k) => {
      const source = { page: group.page, line: segment.line + k };
      if (inImport || /^import\s/.test(line)) {
        imports.push(line);
        importMap.push(source);
        inImport = !/;\s*$/.test(line);
      } else {
        body.push(line);
        map.push(source);
      }
    });
  }
  const header = `// Extracted from ${group.page}; do not edit.`;
  writeFileSync(join(srcDir, `${name}.ts`), [header, ...imports, ...body, 'export {};', ''].join('\n'));
  return [null, ...importMap, ...map];
}

rmSync(workDir, { recursive: true, force: true });
mkdirSync(srcDir, { recursive: true });
const groups = markdownFiles(docsRoot).flatMap(extract);
if (groups.length === 0) throw new Error('no ```ts blocks found: the extractor is broken');
const lineMaps = new Map();
groups.forEach((group, k) => {
  group.name = `${group.page.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-')}-${k + 1}`;
  lineMaps.set(group.name, writeGroup(group, group.name));
});
writeFileSync(
  join(workDir, 'tsconfig.json'),
  `${JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { types: ['node'], noEmit: false, outDir: 'out', rootDir: 'src', declaration: false, sourceMap: false },
      include: ['src'],
    },
    null,
    2,
  )}\n`,
);
writeFileSync(join(workDir, 'package.json'), '{ "type": "module", "private": true }\n');

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(workDir, 'tsconfig.json'), '--pretty', 'false'], { encoding: 'utf8' });
if (compiled.status !== 0) {
  // Point each error at the Markdown line it comes from.
  const report = `${compiled.stdout}${compiled.stderr}`.replace(/(?:[^\s(]*\/)?src\/([\w-]+)\.ts\((\d+),(\d+)\)/g, (whole, name, line, col) => {
    const source = lineMaps.get(name)?.[Number(line) - 1];
    return source ? `${source.page}:${source.line}:${col}` : whole;
  });
  console.error(report);
  console.error(`docs snippets: type errors in ${groups.length} extracted blocks`);
  process.exit(1);
}
console.log(`docs snippets: ${groups.length} blocks type-check`);

let failures = 0;
const runnable = groups.filter((g) => g.runnable);
for (const group of runnable) {
  const started = Date.now();
  const run = spawnSync(process.execPath, [join(outDir, `${group.name}.js`)], {
    cwd: workDir,
    encoding: 'utf8',
    timeout: RUN_TIMEOUT_MS,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (run.status === 0) {
    console.log(`  ran ${group.page} (block at line ${group.segments[0].line - 1}) in ${seconds} s`);
  } else {
    failures++;
    console.error(`  FAILED ${group.page} (block at line ${group.segments[0].line - 1}) after ${seconds} s${run.error ? `: ${run.error.message}` : ''}`);
    console.error(`${run.stdout}${run.stderr}`);
  }
}
if (runnable.length === 0) {
  console.error('docs snippets: no block is marked runnable');
  process.exit(1);
}
if (failures > 0) {
  console.error(`docs snippets: ${failures} of ${runnable.length} runnable blocks failed`);
  process.exit(1);
}
console.log(`docs snippets: ${runnable.length} runnable blocks ran`);
