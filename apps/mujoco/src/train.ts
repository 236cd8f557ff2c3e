/**
 * `pnpm start`: trains PPO on HalfCheetah-v5 from the command line (see TRAIN_USAGE).
 */
import { parseTrainArgs, TRAIN_USAGE, trainHalfCheetah, UsageError, ENV_ID } from './app';

try {
  const args = parseTrainArgs(process.argv.slice(2));
  console.log(`PPO on ${ENV_ID} (mujoco preset, seed ${args.seed}, ${args.steps.toLocaleString('en-US')} steps) in ${args.out}`);
  const result = await trainHalfCheetah(args);
  console.log(
    `${result.stoppedBy === 'complete' ? 'Done' : 'Stopped'} after ${result.globalStep.toLocaleString('en-US')} steps in ${result.seconds.toFixed(0)} s on the ${result.backend} backend: mean return of the last 20 episodes ${result.recentReturn.toFixed(1)}.`,
  );
  if (result.plot !== null) console.log(`Learning curve: ${result.plot}`);
  if (result.stoppedBy === 'signal') {
    console.log(`Continue with: pnpm start --out ${args.out} --resume`);
    process.exitCode = result.signal === 'SIGTERM' ? 143 : 130;
  } else {
    console.log(`Evaluate with: pnpm eval ${args.out} --episodes 10`);
  }
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n${TRAIN_USAGE}`);
  process.exitCode = 2;
}
