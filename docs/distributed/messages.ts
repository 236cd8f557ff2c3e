/** The messages between the rollout worker page and its Web Worker (rollout-worker.ts). */

/** The tfjs backends the page offers: wasm (fast) or cpu (the same numbers as a cpu learner). */
export type WorkerBackend = 'wasm' | 'cpu';

/** Page -> Web Worker. */
export type PageMessage =
  | {
      readonly type: 'start';
      /** `ws://` or `wss://` URL of the server's WebSocket listener. */
      readonly url: string;
      /** The server's token, or '' for none. */
      readonly token: string;
      /** The text of a NATS credentials file, or '' for none. */
      readonly creds: string;
      /** The env this page serves (one of the envs bundled in the page). */
      readonly env: string;
      /** The run's subject prefix (the learner's `--prefix`). */
      readonly prefix: string;
      readonly backend: WorkerBackend;
    }
  | { readonly type: 'stop' };

/** Web Worker -> page. */
export type WorkerMessage =
  | { readonly type: 'connected'; readonly backend: string; readonly server: string }
  | { readonly type: 'connection'; readonly state: 'disconnected' | 'reconnecting' | 'reconnected' }
  | { readonly type: 'rollout'; readonly version: number; readonly slots: readonly number[]; readonly steps: number; readonly messages: number; readonly bytes: number }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'stopped' }
  | { readonly type: 'error'; readonly message: string };
