/**
 * @packageDocumentation
 * Node-only parts of `@ppo/trainer`: the run directory (config.json, metrics.jsonl,
 * progress.csv, checkpoints/, final/), JSONL and CSV loggers, atomic checkpoint files,
 * {@link runTraining} with resume and signal handling, evaluation, plots and export of a run,
 * and the `ppo` command line.
 */
export { runTraining, evaluateRun, plotRun, type RunResult, type RunTrainingOptions } from './runner';
export { exportRun, type ExportResult } from './export-run';
export {
  CsvLogger,
  JsonlLogger,
  PROGRESS_COLUMNS,
  RUN_LAYOUT,
  RunCheckpointSink,
  bestAvailableCheckpointDir,
  latestCheckpointDir,
  readCheckpoint,
  readMetrics,
  writeCheckpoint,
  writeFileAtomic,
} from './run-files';
export { encodePng, writePng } from './png';
export { main, parseArgs, USAGE, UsageError, type CliIo, type MainOptions, type ParsedCommand } from './cli-main';
