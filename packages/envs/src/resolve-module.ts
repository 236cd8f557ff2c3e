// Node-only: module specifiers resolved to absolute URLs, so that another module (in a worker
// thread, or a later process) imports the same module wherever its own file lives.
import { describeValue, PpoTypeError, PpoError } from '@ppo/utils';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// The conditions Node's `import()` matches in a package's `exports`.
const IMPORT_CONDITIONS = new Set(['import', 'node', 'default']);

/**
 * Raised by {@link resolveModuleUrl}: `specifier` is the entry as given, `problem` what went
 * wrong (it starts with a verb, so callers can write `<their argument> '<specifier>' <problem>`).
 */
export class ModuleResolutionError extends PpoError {
  override readonly name = 'ModuleResolutionError';
  readonly specifier: unknown;
  readonly problem: string;

  constructor(specifier: unknown, problem: string) {
    super('MODULE_NOT_FOUND', `module ${typeof specifier === 'string' ? `'${specifier}'` : describeValue(specifier)} ${problem}`);
    this.specifier = specifier;
    this.problem = problem;
  }
}

/** The first target of an `exports` value that the import conditions select, with `*` filled in. */
function exportTarget(value: unknown, star: string): string | null {
  if (typeof value === 'string') return value.replaceAll('*', star);
  if (Array.isArray(value)) {
    for (const item of value) {
      const target = exportTarget(item, star);
      if (target !== null) return target;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [condition, nested] of Object.entries(value)) {
      if (!IMPORT_CONDITIONS.has(condition)) continue;
      const target = exportTarget(nested, star);
      if (target !== null) return target;
    }
  }
  return null;
}

/** Resolves `subpath` (`.` or `./x`) through a package's `exports` field, or null when not exported. */
function resolveExports(exports: unknown, subpath: string): string | null {
  const isSubpathMap = exports !== null && typeof exports === 'object' && !Array.isArray(exports) && Object.keys(exports).every((k) => k.startsWith('.'));
  const map = (isSubpathMap ? exports : { '.': exports }) as Record<string, unknown>;
  if (Object.hasOwn(map, subpath)) return exportTarget(map[subpath], '');
  // Subpath patterns ("./envs/*": "./dist/*.js"): the one with the longest prefix wins.
  let best: { key: string; star: string } | null = null;
  for (const key of Object.keys(map)) {
    const at = key.indexOf('*');
    if (at === -1) continue;
    const prefix = key.slice(0, at);
    const suffix = key.slice(at + 1);
    if (subpath.length >= key.length - 1 && subpath.startsWith(prefix) && subpath.endsWith(suffix) && (best === null || prefix.length > best.key.indexOf('*'))) {
      best = { key, star: subpath.slice(prefix.length, subpath.length - suffix.length) };
    }
  }
  return best === null ? null : exportTarget(map[best.key], best.star);
}

function readManifest(spec: string, manifest: string): { exports?: unknown } {
  try {
    return JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown };
  } catch (error) {
    throw new ModuleResolutionError(spec, `cannot be resolved: ${manifest} is not readable JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** A bare specifier resolved as `import()` would from a module in `fromDir`. */
function resolveBare(spec: string, fromDir: string): string {
  const parts = spec.split('/');
  const nameLength = spec.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = parts.length > nameLength ? `./${parts.slice(nameLength).join('/')}` : '.';
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const packageDir = join(dir, 'node_modules', name);
    const manifest = join(packageDir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = readManifest(spec, manifest);
      if (pkg.exports === undefined) {
        // No `exports`: Node's legacy rules (main, index.js, extensions), which require.resolve follows.
        try {
          return pathToFileURL(createRequire(manifest).resolve(spec)).href;
        } catch (error) {
          throw new ModuleResolutionError(spec, `cannot be found: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
        }
      }
      const target = resolveExports(pkg.exports, subpath);
      if (target === null) throw new ModuleResolutionError(spec, `is not exported by ${manifest} for import`);
      return pathToFileURL(resolve(packageDir, target)).href;
    }
    if (dirname(dir) === dir) throw new ModuleResolutionError(spec, `cannot be found: no node_modules/${name} in ${fromDir} or above`);
  }
}

/**
 * Resolves a module specifier to an absolute URL that imports the same module from any
 * directory: from a worker thread, from a module elsewhere, or in a later process (Node only,
 * from `@ppo/envs/node`).
 *
 * - `file:`, `node:` and `data:` URLs are returned as they are.
 * - Paths (starting with `.`, or absolute) are resolved against `fromDir` and must exist;
 *   they become `file:` URLs.
 * - Anything else is a bare package specifier (`name`, `name/sub`, `@scope/name/sub`), looked
 *   up in the `node_modules` folders of `fromDir` and its parents, as `import()` would: through
 *   the package's `exports` with the `import`, `node` and `default` conditions (subpath patterns
 *   included), or, for a package without `exports`, its `main` and Node's file extensions.
 *   Subpaths exported for `import` only (such as `@ppo/envs-mujoco/register`) resolve too.
 *
 * The target file of an export is not checked; importing the URL reports a missing one.
 *
 * @param spec - The specifier: a package name, a path, or a `file:`, `node:` or `data:` URL.
 * @param fromDir - The directory relative paths and package lookups start from (itself
 *   relative to the working directory if not absolute). Default: `process.cwd()`.
 * @returns The absolute URL, for `import()`.
 * @throws {@link ModuleResolutionError} naming the specifier and what went wrong: not a
 *   non-empty string; a path that does not exist (and which path); a package not found (and
 *   from where it was looked up); a subpath the package does not export for import.
 *
 * @example
 * ```ts
 * import { resolveModuleUrl } from '@ppo/envs/node';
 * resolveModuleUrl('@ppo/envs-mujoco/register'); // 'file:///.../node_modules/@ppo/envs-mujoco/dist/register.js'
 * resolveModuleUrl('./my-envs.mjs', '/home/me/project'); // 'file:///home/me/project/my-envs.mjs'
 * ```
 */
export function resolveModuleUrl(spec: string, fromDir: string = process.cwd()): string {
  if (typeof spec !== 'string' || spec.length === 0) {
    throw new ModuleResolutionError(spec, 'is not a specifier: expected a non-empty string (a package name, a path, or a file:, node: or data: URL)');
  }
  if (typeof fromDir !== 'string' || fromDir.length === 0) {
    throw new PpoTypeError('INVALID_ARGUMENT', `resolveModuleUrl: fromDir must be a directory path, got ${describeValue(fromDir)}`);
  }
  if (/^(file|node|data):/.test(spec)) return spec;
  if (spec.startsWith('.') || isAbsolute(spec)) {
    const path = resolve(fromDir, spec);
    if (!existsSync(path)) throw new ModuleResolutionError(spec, `cannot be found: ${path} does not exist`);
    return pathToFileURL(path).href;
  }
  // Absolute, so that the lookup climbs to the root and errors say where it started.
  return resolveBare(spec, resolve(fromDir));
}
