/** A checkpoint sink that keeps everything in memory, for the trainer's tests (not exported). */
import type { Checkpoint } from './checkpoint';
import type { CheckpointSink } from './ppo';

/** Keeps every checkpoint and the action log in memory. */
export class MemorySink implements CheckpointSink {
  readonly checkpoints: Checkpoint[] = [];
  private readonly chunks: Uint8Array[] = [];

  appendActions(actions: Float32Array | Int32Array): void {
    this.chunks.push(new Uint8Array(actions.buffer.slice(actions.byteOffset, actions.byteOffset + actions.byteLength)));
  }

  save(checkpoint: Checkpoint): string {
    this.checkpoints.push(checkpoint);
    return `memory/${this.checkpoints.length - 1}`;
  }

  /** The actions appended so far, as the bytes a file would hold. */
  get actionLog(): Uint8Array {
    return Uint8Array.from(this.chunks.flatMap((c) => Array.from(c)));
  }

  /** The last checkpoint saved. */
  get last(): Checkpoint {
    return this.checkpoints[this.checkpoints.length - 1];
  }
}
