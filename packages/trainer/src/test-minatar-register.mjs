// Stands in for the ./register entry of @ppo/envs-minatar in the env-package tests: registers
// MinAtar/TestSign-v0 (the TestSign-v0 env of test-env-module.mjs) and counts its imports.
import { make, register } from '@ppo/envs';
import './test-env-module.mjs';

globalThis.testMinatarImports = (globalThis.testMinatarImports ?? 0) + 1;
register('MinAtar/TestSign-v0', (options) => make('TestSign-v0', options), { maxEpisodeSteps: 8 });
