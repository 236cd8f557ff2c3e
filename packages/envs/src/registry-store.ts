import { describeValue, PpoError } from '@ppo/utils';

/**
 * Where the env id table lives: one slot on the global object, shared by every copy of the
 * registry module in the process. The package ships an ESM and a CommonJS build, each with its
 * own module state; an env module loaded through `require` would otherwise register into a table
 * that `make` of the ESM build never reads.
 */
export const REGISTRY_KEY: unique symbol = Symbol.for('@ppo/envs/registry') as never;

/** The layout of the shared slot; a copy that finds another layout refuses to use it. */
export const REGISTRY_FORMAT = 1;

interface RegistryStore<T> {
  readonly format: number;
  readonly entries: Map<string, T>;
}

/**
 * The id table held by `holder` (the global object in the package), created on first use.
 * Raises `REGISTRY_MISMATCH` when the slot holds a table of another format (an incompatible
 * version of the package loaded in the same process).
 */
export function sharedRegistry<T>(holder: object): Map<string, T> {
  const slots = holder as { [REGISTRY_KEY]?: unknown };
  if (slots[REGISTRY_KEY] === undefined) {
    const created: RegistryStore<T> = Object.freeze({ format: REGISTRY_FORMAT, entries: new Map<string, T>() });
    Object.defineProperty(holder, REGISTRY_KEY, { value: created, enumerable: false, configurable: false, writable: false });
  }
  const store = slots[REGISTRY_KEY] as Partial<RegistryStore<T>> | null;
  if (store === null || typeof store !== 'object' || store.format !== REGISTRY_FORMAT || !(store.entries instanceof Map)) {
    const found = store !== null && typeof store === 'object' ? describeValue(store.format) : describeValue(store);
    throw new PpoError(
      'REGISTRY_MISMATCH',
      `@ppo/envs: the process already holds an env registry of format ${found} (another, incompatible version of @ppo/envs is loaded); this copy needs format ${REGISTRY_FORMAT}. Install a single version of @ppo/envs.`,
    );
  }
  return store.entries;
}
