/**
 * `pnpm eval <run directory>`: runs a saved HalfCheetah policy and prints the returns as JSON.
 */
import { EVAL_USAGE, evaluateHalfCheetah, parseEvalArgs, UsageError } from './app';

try {
  const result = await evaluateHalfCheetah(parseEvalArgs(process.argv.slice(2)));
  console.log(JSON.stringify({ episodes: result.episodes, mean: result.mean, std: result.std, min: result.min, max: result.max, returns: result.returns }, null, 2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n${EVAL_USAGE}`);
  process.exitCode = 2;
}
