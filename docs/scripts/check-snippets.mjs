/* global console, process */
// Extracts every TypeScript block (```ts, ```tsx, ~~~ts, ```ts{1} ...) of the guide, the
// tutorials and the other hand-written pages, type-checks them against the workspace packages,
// and runs the blocks marked runnable, so the documentation fails the tests as soon as an API it
// shows changes. Every `ppo ...`, `npx @ppo/trainer ...` or `pnpm exec ppo ...` line of a shell block is parsed with the CLI's
// own parser, so a renamed or removed flag fails too.
//
// Markers, on the line before a block:
//   <!-- runnable -->  the block (with any blocks that continue it) is compiled and run;
//   <!-- continue -->  the block is appended to the previous block of the same page.
// A block may import a module of docs/demo/ (the demo page's code, which pages include with
// `<<<`) as `./name.js`: the module is copied next to the extracted blocks.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, UsageError } from '@ppo/trainer/node';
import { extractBlocks, ppoArguments, refusedCommand, shellCommands, uninstalledImports } from './snippets.mjs';

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const workDir = join(docsRoot, '.snippets');
const srcDir = join(workDir, 'src');
const demoDir = join(docsRoot, 'demo');
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
  for (const line of imports) {
    for (const [, module] of line.matchAll(/from\s+'\.\/([\w-]+)\.js'/g)) {
      const source = join(demoDir, `${module}.ts`);
      if (!existsSync(source)) throw new Error(`${group.page}: imports ./${module}.js, but docs/demo/${module}.ts does not exist`);
      copyFileSync(source, join(srcDir, `${module}.ts`));
    }
  }
  const header = `// Extracted from ${group.page}; do not edit.`;
  const extension = group.segments.some((segment) => segment.lang === 'tsx') ? 'tsx' : 'ts';
  writeFileSync(join(srcDir, `${name}.${extension}`), [header, ...imports, ...body, 'export {};', ''].join('\n'));
  return [null, ...importMap, ...map];
}

/**
 * Parses every `ppo` command line of the shell blocks with the CLI's parser; returns the
 * number of lines checked and the messages of those it rejects.
 */
function checkShellBlocks(blocks) {
  const problems = [];
  let checked = 0;
  for (const block of blocks) {
    for (const { line, words } of shellCommands(block)) {
      // `pnpm bench:mujoco` parses its flags at the top level of benchmarks/mujoco/bench.mjs,
      // which exports no parser to call; those lines are not checked.
      const args = ppoArguments(words);
      if (args === null) continue;
      checked++;
      const refused = refusedCommand(words);
      if (refused !== null) problems.push(`${block.page}:${line}: ${words.join(' ')}\n    ${refused}`);
      try {
        parseArgs(args);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        problems.push(`${block.page}:${line}: ${words.join(' ')}\n    ${error.message}`);
      }
    }
  }
  return { checked, problems };
}

rmSync(workDir, { recursive: true, force: true });
mkdirSync(srcDir, { recursive: true });
const pages = markdownFiles(docsRoot).map((file) => extractBlocks(readFileSync(file, 'utf8'), relative(docsRoot, file).replace(/\\/g, '/')));
const groups = pages.flatMap((page) => page.groups);
if (groups.length === 0) throw new Error('no ```ts blocks found: the extractor is broken');

// A page that lists what to install must list every package its code imports.
const installProblems = pages.flatMap((page) => {
  const { missing } = uninstalledImports(page);
  return missing.length === 0 ? [] : [`${page.groups[0]?.page ?? page.shell[0]?.page}: imports ${missing.join(', ')}, which its npm install line does not list`];
});
if (installProblems.length > 0) {
  for (const problem of installProblems) console.error(problem);
  process.exit(1);
}
const shell = checkShellBlocks(pages.flatMap((page) => page.shell));
if (shell.checked === 0) throw new Error('no `ppo` command lines found in ```sh blocks: the extractor is broken');
if (shell.problems.length > 0) {
  for (const problem of shell.problems) console.error(problem);
  console.error(`docs snippets: ${shell.problems.length} of ${shell.checked} ppo command lines are rejected by the CLI's parser`);
  process.exit(1);
}
console.log(`docs snippets: ${shell.checked} ppo command lines parse`);
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
      compilerOptions: { types: ['node'], noEmit: false, outDir: 'out', rootDir: 'src', declaration: false, sourceMap: false, jsx: 'preserve' },
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
  const report = `${compiled.stdout}${compiled.stderr}`.replace(/(?:[^\s(]*\/)?src\/([\w-]+)\.tsx?\((\d+),(\d+)\)/g, (whole, name, line, col) => {
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
