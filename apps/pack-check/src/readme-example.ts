import { transformSync } from 'esbuild';

/** The line that marks the README code block the pack check runs. */
export const EXAMPLE_MARKER = '<!-- example -->';

const FENCE_OPEN = /^```(ts|typescript|js|javascript)\s*$/;

/**
 * Returns the code of the fenced ts/js block that directly follows the `<!-- example -->`
 * marker (blank lines between them are allowed).
 *
 * @throws Error when the marker is missing, repeated, or not followed by a ts/js block.
 */
export function extractExample(readme: string, packageName: string): string {
  const lines = readme.split(/\r?\n/);
  const markers = lines.flatMap((line, i) => (line.trim() === EXAMPLE_MARKER ? [i] : []));
  if (markers.length !== 1) {
    throw new Error(
      `${packageName}: README.md must contain exactly one "${EXAMPLE_MARKER}" line before its example, found ${markers.length}`,
    );
  }
  let i = markers[0] + 1;
  while (i < lines.length && lines[i].trim() === '') i++;
  if (i >= lines.length || !FENCE_OPEN.test(lines[i].trim())) {
    throw new Error(`${packageName}: "${EXAMPLE_MARKER}" in README.md is not followed by a \`\`\`ts or \`\`\`js block`);
  }
  const end = lines.indexOf('```', i + 1);
  if (end < 0) throw new Error(`${packageName}: the README example block is not closed`);
  return lines.slice(i + 1, end).join('\n') + '\n';
}

/**
 * Package names from the first `npm install ...` line of a README (flags and their values
 * are dropped, a version suffix such as `@1.2.3` is removed).
 *
 * @throws Error when the README has no install line.
 */
export function extractInstallPackages(readme: string, packageName: string): string[] {
  const line = readme.split(/\r?\n/).find((l) => /^\s*npm (install|i) /.test(l));
  if (line === undefined) throw new Error(`${packageName}: README.md has no "npm install ..." line`);
  return line
    .replace(/#.*$/, '')
    .trim()
    .split(/\s+/)
    .slice(2)
    .filter((token) => !token.startsWith('-'))
    .map((spec) => spec.replace(/^(@?[^@]+)@.*$/, '$1'));
}

/**
 * Names of the modules a piece of ES module code imports: static `import` statements and
 * dynamic `import('...')` calls with a string literal, in order of first appearance.
 */
export function importedModules(code: string): string[] {
  const names = new Set<string>();
  const pattern = /^\s*import\s+(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const match of code.matchAll(pattern)) names.add(match[1] ?? match[2]);
  return [...names];
}

/** The package a module specifier belongs to: `@ppo/nets/node` -> `@ppo/nets`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function stripTypes(code: string, packageName: string): string {
  try {
    return transformSync(code, {
      loader: 'ts',
      format: 'esm',
      target: 'es2022',
      // Keep every value import as written, even one used only for its side effects.
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
    }).code;
  } catch (error) {
    throw new Error(`${packageName}: the README example does not compile: ${String(error)}`);
  }
}

function importToRequire(statement: string, packageName: string): string {
  const m = /^import\s+(.*?)\s*from\s*(['"][^'"]+['"]);?$/.exec(statement);
  const bare = /^import\s*(['"][^'"]+['"]);?$/.exec(statement);
  if (bare) return `require(${bare[1]});`;
  if (!m) throw new Error(`${packageName}: cannot turn "${statement}" into a require call`);
  const [, clause, source] = m;
  const namespace = /^\*\s+as\s+(\w+)$/.exec(clause);
  if (namespace) return `const ${namespace[1]} = require(${source});`;
  const named = /^\{([^}]*)\}$/.exec(clause);
  if (named) {
    const bindings = named[1]
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== '')
      .map((b) => b.replace(/^(\w+)\s+as\s+(\w+)$/, '$1: $2'));
    return `const { ${bindings.join(', ')} } = require(${source});`;
  }
  throw new Error(`${packageName}: unsupported import form in the README example: "${statement}"`);
}

/**
 * The line a runnable example prints after the README code has run to its end. Node exits with
 * code 0 when the event loop empties while an awaited promise is still pending, so the exit code
 * alone does not show that the example finished.
 */
export const EXAMPLE_END_MARKER = 'pack-check: the README example ran to its end';

/**
 * Turns a README example (TypeScript or JavaScript, ES module syntax, top-level await allowed)
 * into a runnable `.mjs` or `.cjs` file that prints {@link EXAMPLE_END_MARKER} last. Types are
 * stripped with esbuild; for CommonJS the static imports become `require` calls and the rest
 * runs inside an async function (CommonJS has no top-level await), whose rejection sets a
 * non-zero exit code. Dynamic `import()` calls stay as they are: CommonJS has them too.
 */
export function toRunnable(code: string, mode: 'esm' | 'cjs', packageName: string): string {
  const js = stripTypes(code, packageName);
  const end = `console.log(${JSON.stringify(EXAMPLE_END_MARKER)});`;
  if (mode === 'esm') return `${js}${end}\n`;
  const lines = js.split('\n');
  const requires: string[] = [];
  const body: string[] = [];
  for (const line of lines) {
    if (/^import[\s{*'"]/.test(line)) requires.push(importToRequire(line.trim(), packageName));
    else body.push(line);
  }
  return [
    "'use strict';",
    ...requires,
    '(async () => {',
    ...body,
    `  ${end}`,
    '})().catch((error) => {',
    '  console.error(error);',
    '  process.exitCode = 1;',
    '});',
    '',
  ].join('\n');
}
