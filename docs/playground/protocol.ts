/**
 * The messages between the Playground page and its training worker: plain data only (structured
 * clones), never code. The page sends {@link PageMessage}s, the worker answers with
 * {@link WorkerMessage}s.
 */

/** The tfjs backends the page offers (webgpu is not: the site does not bundle its backend package). */
export type PlaygroundBackend = 'wasm' | 'cpu' | 'webgl';

/** The hyperparameters the page exposes; each overrides the preset's value. */
export interface PlaygroundHyperparameters {
  readonly learningRate: number;
  readonly numEnvs: number;
  readonly numSteps: number;
  readonly updateEpochs: number;
  readonly numMinibatches: number;
  readonly clipCoef: number;
  readonly entCoef: number;
  readonly totalSteps: number;
}

/** What a run is: the trainer's preset and config overrides, and the backend it runs on. */
export interface PlaygroundSettings {
  readonly env: string;
  readonly preset: 'classic' | 'mujoco' | 'atari' | 'minatar';
  readonly seed: number;
  readonly backend: PlaygroundBackend;
  readonly hyperparameters: PlaygroundHyperparameters;
  /** The run pauses itself once this update ends (its checkpoint stored), or never with null. */
  readonly pauseAfterUpdate: number | null;
}

/** One file of a policy export, by its plain name. */
export interface ExportFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Page to worker. */
export type PageMessage =
  /** Starts a new run (the stored one, if any, is discarded). */
  | { readonly type: 'train'; readonly settings: PlaygroundSettings }
  /** Stops after the current update; a final checkpoint is stored. */
  | { readonly type: 'pause' }
  /** Continues the paused run, or the run stored in IndexedDB (after a reload) on the backend it was trained on. */
  | { readonly type: 'resume'; readonly pauseAfterUpdate: PlaygroundSettings['pauseAfterUpdate'] }
  /** Stops, frees the run and deletes the stored one. */
  | { readonly type: 'reset' }
  /** Asks for the current policy in the export formats. */
  | { readonly type: 'export' }
  /** Asks what IndexedDB holds (sent once the page is up). */
  | { readonly type: 'inspect' }
  /** Asks for the hyperparameters a preset gives a task. */
  | { readonly type: 'defaults'; readonly env: string; readonly preset: PlaygroundSettings['preset'] }
  /** Loads an uploaded export (every file of its folder) and plays it until stopped. */
  | { readonly type: 'watch'; readonly files: readonly ExportFile[]; readonly backend: PlaygroundBackend }
  | { readonly type: 'stop-watching' };

/** The state of the worker's run, as the page shows it. */
export type RunState = 'idle' | 'starting' | 'training' | 'stopping' | 'paused' | 'done';

/** What the stored run is, without loading it. */
export interface StoredRunSummary {
  readonly env: string;
  readonly seed: number;
  readonly globalStep: number;
  readonly update: number;
  readonly backend: string;
}

/** Worker to page. */
export type WorkerMessage =
  | { readonly type: 'state'; readonly state: RunState; readonly backend: string | null }
  /** After every update: the trainer's metrics (CleanRL names) at `globalStep`. */
  | { readonly type: 'update'; readonly globalStep: number; readonly update: number; readonly numUpdates: number; readonly metrics: Readonly<Record<string, number>> }
  /** The training env 0 (or the env an uploaded policy plays), drawn as an SVG document, at most about 30 times a second. */
  | { readonly type: 'frame'; readonly svg: string }
  /** A checkpoint is in IndexedDB. */
  | { readonly type: 'saved'; readonly globalStep: number; readonly update: number }
  /** What IndexedDB holds: a run that Resume continues, or none. */
  | { readonly type: 'stored'; readonly run: StoredRunSummary | null }
  /** The metrics of every update of a run restored from IndexedDB, so the page redraws its curves. */
  | { readonly type: 'history'; readonly updates: readonly { readonly globalStep: number; readonly update: number; readonly metrics: Readonly<Record<string, number>> }[] }
  /** The learning curve and the losses, drawn by the trainer's `learningCurveSvg`. */
  | { readonly type: 'curves'; readonly svg: { readonly returns: string; readonly valueLoss: string; readonly policyLoss: string } }
  | { readonly type: 'export'; readonly files: readonly ExportFile[] }
  /** A module the task needs is being fetched and started (`'MuJoCo'`), or, with null, is ready. */
  | { readonly type: 'loading'; readonly what: string | null }
  /** An uploaded policy plays: its env, the episodes finished and the last one's return. */
  | { readonly type: 'watching'; readonly env: string; readonly episode: number; readonly episodeReturn: number | null }
  | { readonly type: 'defaults'; readonly env: string; readonly preset: PlaygroundSettings['preset']; readonly hyperparameters: PlaygroundHyperparameters }
  | { readonly type: 'error'; readonly message: string };
