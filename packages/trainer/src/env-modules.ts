/**
 * Node-only: the modules of `config.envModules`, resolved to absolute URLs and imported before
 * any env is made. Only modules the user names (or explicitly trusts) are imported: a run
 * directory is untrusted input, and the modules it names are code.
 */
import { isAbsolute } from 'node:path';
import { ModuleResolutionError, resolveModuleUrl } from '@ppo/envs/node';
import { ConfigError } from './config';
import { PpoError } from '@ppo/utils';

// A URL scheme; a Windows drive (`C:\envs.mjs`) looks like one but is a path.
const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/** The entry shortened for messages (an inline `data:` URL can be long). */
function shown(spec: string): string {
  return spec.length > 80 ? `${spec.slice(0, 77)}...` : spec;
}

/**
 * Refuses an entry that is neither a package name, a file path nor a `file:` or `node:` URL:
 * `data:`, `http:`, `https:` and every other scheme import code that no file on disk holds.
 */
function checkSpecifier(spec: string): void {
  const scheme = URL_SCHEME.exec(spec)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === 'file' || scheme === 'node' || isAbsolute(spec)) return;
  throw new ConfigError('envModules', `\`envModules\` entry '${shown(spec)}' is refused: ${scheme}: URLs are never imported (only package names, file paths and file: or node: URLs)`);
}

/** An entry as an absolute URL, with resolution errors as the config field's errors. */
function resolveEnvModule(spec: string, cwd: string): string {
  checkSpecifier(spec);
  try {
    return resolveModuleUrl(spec, cwd);
  } catch (error) {
    if (!(error instanceof ModuleResolutionError)) throw error;
    throw Object.assign(new ConfigError('envModules', `\`envModules\` entry '${shown(spec)}' ${error.problem}`), { cause: error });
  }
}

/**
 * Resolves (with `resolveModuleUrl` from `@ppo/envs/node`, from `cwd`) and imports
 * `config.envModules` in order; returns them resolved, as absolute URLs that import the same
 * modules from any working directory. An entry that is a `data:`, `http:` or other non-file URL,
 * that cannot be resolved, or whose module throws raises a {@link ConfigError} naming the entry
 * and the cause; refused entries are refused before anything is imported.
 */
export async function importEnvModules(specs: readonly string[], cwd: string = process.cwd()): Promise<string[]> {
  const urls = specs.map((spec) => resolveEnvModule(spec, cwd));
  for (const [k, url] of urls.entries()) {
    try {
      await import(/* @vite-ignore */ url);
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      throw Object.assign(new ConfigError('envModules', `\`envModules\` entry '${shown(specs[k])}' failed to import (${shown(url)}): ${problem}`), { cause: error });
    }
  }
  return urls;
}

/** The user's consent to import env modules for a run directory's saved config. */
export interface RunModuleConsent {
  /** Modules to import instead of those the run names (resolved from the working directory). */
  readonly envModules?: readonly string[];
  /** Import the modules the run names. */
  readonly trustRunModules?: boolean;
}

/** A run names env modules and the user gave no consent to import them; lists them. */
export class EnvModulesConsentError extends PpoError {
  override readonly name = 'EnvModulesConsentError';
  /** The modules the run names, as stored in it. */
  readonly modules: readonly string[];
  constructor(modules: readonly string[]) {
    super(
      'CONSENT_REQUIRED',
      `this run names env modules, which are code and are only imported with your consent: ${modules.map(shown).join(', ')}. ` +
        'Pass `envModules` with the modules to import (the same ones if you trust them), or `trustRunModules: true` to import these.',
    );
    this.name = 'EnvModulesConsentError';
    this.modules = modules;
  }
}

/**
 * Imports the env modules for a run read from disk (resume, evaluation, export), with the
 * user's consent: `consent.envModules` if given, else the run's own `stored` modules only with
 * `consent.trustRunModules` (reported through `notice` first). Returns the URLs imported, for
 * the config the run continues with.
 *
 * @throws {@link EnvModulesConsentError} when the run names modules and there is no consent;
 *   `ConfigError` naming an entry that is refused (a `data:`, `http:` or other non-file URL),
 *   cannot be resolved or fails to import.
 */
export async function importRunEnvModules(stored: readonly string[], consent: RunModuleConsent, notice: (message: string) => void): Promise<string[]> {
  if (consent.envModules !== undefined) return importEnvModules(consent.envModules);
  if (stored.length === 0) return [];
  if (consent.trustRunModules !== true) throw new EnvModulesConsentError(stored);
  stored.forEach(checkSpecifier);
  notice(`importing the env modules the run names (\`trustRunModules\`): ${stored.map(shown).join(', ')}`);
  return importEnvModules(stored);
}
