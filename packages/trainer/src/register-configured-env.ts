import type { PPOConfig } from './config';
import { importEnvModules } from './env-modules';
import { loadEnvPackage } from './env-packages';

/**
 * Registers the env a partial config names, before the config is resolved, so that the env's
 * recommended preset is known: imports the config's `envModules`, then the env's first-party
 * package (see {@link loadEnvPackage}). Fields of the wrong type are skipped: resolving the
 * config reports them. Returns the URL of the env package imported, or null (the async vector
 * env's workers must import it too).
 */
export async function registerConfiguredEnv(config: Partial<PPOConfig> | undefined, cwd: string = process.cwd()): Promise<string | null> {
  const { env, envModules } = config ?? {};
  if (Array.isArray(envModules) && envModules.every((m) => typeof m === 'string' && m.length > 0)) await importEnvModules(envModules, cwd);
  return typeof env === 'string' && env.length > 0 ? loadEnvPackage(env, cwd) : null;
}
