/**
 * The description of an exported policy, defined in `@ppo/nets` (which loads it with
 * `loadPolicy`) and re-exported here where `ppo export` writes it.
 */
export { POLICY_FILE, type ExportedPolicy } from '@ppo/nets';
