/**
 * Node-only: the modules of `config.envModules`, resolved to absolute URLs and imported before
 * any env is made.
 */
import { ModuleResolutionError, resolveModuleUrl } from '@ppo/envs/node';
import { ConfigError } from './config';

/** An entry as an absolute URL, with resolution errors as the config field's errors. */
function resolveEnvModule(spec: string, cwd: string): string {
  try {
    return resolveModuleUrl(spec, cwd);
  } catch (error) {
    if (!(error instanceof ModuleResolutionError)) throw error;
    throw Object.assign(new ConfigError('envModules', `--env-modules entry '${spec}' ${error.problem}`), { cause: error });
  }
}

/**
 * Resolves (with `resolveModuleUrl` from `@ppo/envs/node`, from `cwd`) and imports
 * `config.envModules` in order; returns them resolved, as absolute URLs that import the same
 * modules from any working directory. An entry that cannot be resolved or whose module throws
 * raises a {@link ConfigError} naming the entry and the cause.
 */
export async function importEnvModules(specs: readonly string[], cwd: string = process.cwd()): Promise<string[]> {
  const urls = specs.map((spec) => resolveEnvModule(spec, cwd));
  for (const [k, url] of urls.entries()) {
    try {
      await import(/* @vite-ignore */ url);
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      throw Object.assign(new ConfigError('envModules', `--env-modules entry '${specs[k]}' failed to import (${url}): ${problem}`), { cause: error });
    }
  }
  return urls;
}
