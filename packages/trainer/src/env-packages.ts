/**
 * Node-only: env packages found by env id, without `--env-modules`. Only the first-party
 * packages of a fixed table are ever loaded this way, each only for its own ids and only when
 * the id is not registered already, so a run directory (which names an env id) can make the
 * trainer load nothing but these (see SECURITY.md).
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRegistered } from '@ppo/envs';
import { ModuleResolutionError, resolveModuleUrl } from '@ppo/envs/node';
import { PpoError } from '@ppo/utils';

/** A first-party env package that the trainer loads when one of its ids is asked for. */
export interface EnvPackage {
  /** The npm package. */
  readonly name: string;
  /** Its side-effect entry that registers the envs (ES module). */
  readonly entry: string;
  /** Its ids, as the docs describe them. */
  readonly ids: string;
  /** Whether `id` is one of the package's ids. */
  readonly provides: (id: string) => boolean;
}

// Any version of the MuJoCo tasks: an id the installed package lacks is then named with the
// ids it registers (the ordinary unknown-id error) rather than as a missing package.
const MUJOCO_ID = /^(HalfCheetah|Hopper|Walker2d|Swimmer|InvertedPendulum|InvertedDoublePendulum|Reacher|Ant|Humanoid)-v\d+$/;

/** The table: the only packages loaded by env id. */
export const ENV_PACKAGES: readonly EnvPackage[] = Object.freeze([
  {
    name: '@ppo/envs-mujoco',
    entry: '@ppo/envs-mujoco/register',
    ids: 'HalfCheetah, Hopper, Walker2d, Swimmer, InvertedPendulum, InvertedDoublePendulum, Reacher, Ant, Humanoid (-v5)',
    provides: (id: string) => MUJOCO_ID.test(id),
  },
  {
    name: '@ppo/envs-minatar',
    entry: '@ppo/envs-minatar/register',
    ids: 'every id starting with MinAtar/',
    provides: (id: string) => id.startsWith('MinAtar/'),
  },
]);

/** The package of {@link ENV_PACKAGES} that provides `id`, if any. */
export function envPackageFor(id: string): EnvPackage | undefined {
  return ENV_PACKAGES.find((p) => p.provides(id));
}

/** The env id needs a package of {@link ENV_PACKAGES} that is not installed; says how to add it. */
export class EnvPackageMissingError extends PpoError {
  override readonly name = 'EnvPackageMissingError';
  /** The env id asked for. */
  readonly envId: string;
  /** The package to install. */
  readonly packageName: string;
  constructor(envId: string, packageName: string, searched: readonly string[], options?: { cause?: unknown }) {
    super(
      'ENV_PACKAGE_MISSING',
      `env '${envId}' comes from ${packageName}, which is not installed (looked in ${searched.join(' and ')}): add it to your project with 'pnpm add ${packageName}' (or 'npm install ${packageName}')`,
      options,
    );
    this.name = 'EnvPackageMissingError';
    this.envId = envId;
    this.packageName = packageName;
  }
}

/** Where the trainer itself is installed: its package's folder, from which its own install resolves. */
const TRAINER_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * Resolves `specifier` from `cwd` (the user's project), else from the trainer's own install:
 * the URL, or null with the folders searched and the first problem met.
 */
export function resolveNearby(specifier: string, cwd: string): { url: string; searched: string[]; problem?: undefined } | { url: null; searched: string[]; problem: unknown } {
  let problem: unknown;
  for (const dir of [cwd, TRAINER_DIR]) {
    try {
      return { url: resolveModuleUrl(specifier, dir), searched: [cwd, TRAINER_DIR] };
    } catch (error) {
      if (!(error instanceof ModuleResolutionError)) throw error;
      problem ??= error;
    }
  }
  return { url: null, searched: [cwd, TRAINER_DIR], problem };
}

/**
 * Makes `id` registered by loading its package from {@link ENV_PACKAGES}, when it is not
 * registered yet and the table has a package for it: the package's `./register` entry is
 * resolved from `cwd` (the user's project), else from the trainer's own install, and
 * imported. Returns the URL imported (which the worker threads of an async vector env import
 * too), or null when nothing was loaded (the id is registered, or no package provides it).
 *
 * @throws {@link EnvPackageMissingError} when the package is found in neither place;
 *   a `PpoError` with code `ENV_PACKAGE_FAILED` when it is found but fails to import.
 */
export async function loadEnvPackage(id: string, cwd: string = process.cwd()): Promise<string | null> {
  if (isRegistered(id)) return null;
  const pkg = envPackageFor(id);
  if (pkg === undefined) return null;
  const found = resolveNearby(pkg.entry, cwd);
  if (found.url === null) throw new EnvPackageMissingError(id, pkg.name, found.searched, { cause: found.problem });
  const url = found.url;
  try {
    await import(/* @vite-ignore */ url);
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    throw new PpoError('ENV_PACKAGE_FAILED', `env '${id}' comes from ${pkg.name}, whose ${pkg.entry} (${url}) failed to import: ${problem}`, { cause: error });
  }
  return url;
}
