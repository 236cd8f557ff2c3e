import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  EXAMPLE_END_MARKER,
  extractExample,
  extractInstallPackages,
  importedModules,
  packageOf,
  toRunnable,
} from './readme-example';

const readme = [
  '# @x/y',
  '```sh',
  'npm install @x/y @tensorflow/tfjs@^4.22.0 --save # comment',
  '```',
  '```ts',
  'const notThis = 1;',
  '```',
  '<!-- example -->',
  '',
  '```ts',
  "import * as tf from '@tensorflow/tfjs';",
  "import { a, b as c, type T } from '@x/y';",
  "import '@x/y/register';",
  'const n: number = await a(c as T);',
  'console.log(tf.version, n);',
  '```',
].join('\n');

describe('extractExample', () => {
  it('takes the block after the marker only', () => {
    const code = extractExample(readme, '@x/y');
    expect(code).toContain('await a(c as T)');
    expect(code).not.toContain('notThis');
  });

  it('names the package when the marker is missing or repeated', () => {
    expect(() => extractExample('# no marker', '@x/y')).toThrow(/@x\/y: README\.md must contain exactly one/);
    expect(() => extractExample(`${readme}\n<!-- example -->\n\`\`\`ts\n\`\`\``, '@x/y')).toThrow(/found 2/);
    expect(() => extractExample('<!-- example -->\ntext', '@x/y')).toThrow(/not followed by/);
  });
});

describe('extractInstallPackages', () => {
  it('drops flags, comments and versions', () => {
    expect(extractInstallPackages(readme, '@x/y')).toEqual(['@x/y', '@tensorflow/tfjs']);
  });

  it('requires an install line', () => {
    expect(() => extractInstallPackages('# nothing', '@x/y')).toThrow(/no "npm install/);
  });
});

describe('importedModules and packageOf', () => {
  it('lists static imports and maps subpaths to packages', () => {
    const mods = importedModules(extractExample(readme, '@x/y'));
    expect(mods).toEqual(['@tensorflow/tfjs', '@x/y', '@x/y/register']);
    expect(mods.map(packageOf)).toEqual(['@tensorflow/tfjs', '@x/y', '@x/y']);
    expect(packageOf('esbuild/lib/main')).toBe('esbuild');
  });

  it('lists dynamic import() calls too, but not import.meta or other words ending in import', () => {
    const code = [
      "import { a } from '@x/y';",
      "const { saveWeights } = await import('@x/y/node');",
      'const lazy = () => import( "@x/z" );',
      'console.log(import.meta.url, reimport("@x/not-this"));',
    ].join('\n');
    expect(importedModules(code)).toEqual(['@x/y', '@x/y/node', '@x/z']);
  });
});

describe('toRunnable', () => {
  const code = extractExample(readme, '@x/y');

  it('strips types and keeps ES module syntax for esm', () => {
    const esm = toRunnable(code, 'esm', '@x/y');
    expect(esm).not.toMatch(/: number|as T|type T/);
    expect(esm).toMatch(/^import \* as tf from "@tensorflow\/tfjs";/m);
    expect(esm).toMatch(/^import "@x\/y\/register";/m);
    expect(esm).toContain('await a(c)');
  });

  it('turns imports into requires and wraps top-level await for cjs', () => {
    const cjs = toRunnable(code, 'cjs', '@x/y');
    expect(cjs).toContain('const tf = require("@tensorflow/tfjs");');
    expect(cjs).toContain('const { a, b: c } = require("@x/y");');
    expect(cjs).toContain('require("@x/y/register");');
    expect(cjs).not.toMatch(/^import /m);
    expect(cjs).toMatch(/\(async \(\) => \{\n[\s\S]*await a\(c\)[\s\S]*\}\)\(\)\.catch/);
    // The generated file must be valid CommonJS syntax.
    expect(() => new Script(cjs, { filename: 'example.cjs' })).not.toThrow();
  });

  it('prints the end marker last in both forms', () => {
    for (const mode of ['esm', 'cjs'] as const) {
      const lines = toRunnable(code, mode, '@x/y').trimEnd().split('\n');
      const marker = lines.findIndex((l) => l.includes(JSON.stringify(EXAMPLE_END_MARKER)));
      expect(marker, mode).toBeGreaterThan(lines.findIndex((l) => l.includes('console.log(tf.version, n)')));
      // esm: the last line; cjs: the last line of the async body, before the catch handler.
      expect(lines.length - marker, mode).toBe(mode === 'esm' ? 1 : 5);
    }
  });

  it('runs as ESM and CJS with the same output, the marker only after the example finished', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pack-check-example-'));
    try {
      const run = (source: string, mode: 'esm' | 'cjs') => {
        const file = join(dir, `example.${mode === 'esm' ? 'mjs' : 'cjs'}`);
        writeFileSync(file, toRunnable(source, mode, '@x/y'));
        return spawnSync(process.execPath, [file], { encoding: 'utf8' });
      };
      const ok = "import { basename } from 'node:path';\nconst { sep } = await import('node:path');\nconsole.log(basename('/a/b.txt'), sep);\n";
      const outputs = (['esm', 'cjs'] as const).map((mode) => run(ok, mode));
      for (const out of outputs) {
        expect(out.status).toBe(0);
        expect(out.stdout).toBe(`b.txt /\n${EXAMPLE_END_MARKER}\n`);
      }
      // An await that never settles: CommonJS exits 0 all the same, but without the marker.
      const stuck = run('await new Promise(() => {});\nconsole.log("never");\n', 'cjs');
      expect(stuck.status).toBe(0);
      expect(stuck.stdout).not.toContain(EXAMPLE_END_MARKER);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports examples that do not compile, naming the package', () => {
    expect(() => toRunnable('const = ;', 'esm', '@x/y')).toThrow(/@x\/y: the README example does not compile/);
  });

  it('rejects import forms it cannot translate', () => {
    expect(() => toRunnable("import d from 'd';\nconsole.log(d);", 'cjs', '@x/y')).toThrow(/unsupported import form/);
  });
});
