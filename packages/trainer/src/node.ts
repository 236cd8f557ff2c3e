/**
 * @packageDocumentation
 * Node-only parts of `@ppo/trainer`: the run directory (config.json, metrics.jsonl,
 * progress.csv, checkpoints/, final/, its lock), JSONL and CSV loggers, atomic checkpoint
 * files with checksums, {@link runTraining} with resume and signal handling, evaluation, plots
 * and export of a run, and the `ppo` command line. A run directory is treated as untrusted
 * input (see SECURITY.md in the repository).
 */
export { runTraining, evaluateRun, plotRun, type RunResult, type RunTrainingOptions } from './runner';
export { exportPolicy, exportRun, type ExportPolicyOptions, type ExportResult, type ExportRunOptions, type PolicyDescription } from './export-run';
export {
  CsvLogger,
  JsonlLogger,
  PROGRESS_COLUMNS,
  RUN_LAYOUT,
  RunCheckpointSink,
  bestAvailableCheckpointDir,
  findResumeCheckpoint,
  latestCheckpointDir,
  readMetrics,
  writeFileAtomic,
  type ResumePoint,
} from './run-files';
export { CHECKPOINT_FILES, CorruptCheckpointError, readCheckpoint, readCheckpointFiles, writeCheckpoint, type Digest } from './checkpoint-files';
export { CheckpointFormatError, validateCheckpointMeta } from './validate-checkpoint';
export { UnsafePathError } from './confined-path';
export { bestModelSink, checkBestModelPath, DEFAULT_BEST_MODEL_PATH } from './best-model';
export { lockRunDirectory, RunLockedError, type LockHolder, type RunLock } from './run-lock';
export { EnvModulesConsentError, importRunEnvModules, type RunModuleConsent } from './env-modules';
export { encodePng, writePng } from './png';
export { loadResvg, writeLearningCurvePng, type PngRenderer, type ResvgImage, type ResvgModule, type ResvgRenderer } from './svg-png';
export { TensorBoardLogger, type TensorBoardLoggerOptions } from './tensorboard-logger';
export { helpText, main, parseArgs, USAGE, usageHint, UsageError, type CliIo, type MainOptions, type ParsedCommand, type TrainLimits } from './cli-main';
export { type CommandName } from './cli-flags';
export { ENV_PACKAGES, envPackageFor, EnvPackageMissingError, loadEnvPackage, type EnvPackage } from './env-packages';
