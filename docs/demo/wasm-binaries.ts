// A bundled app imports its tfjs backend statically: a dynamic import of a package name cannot
// be resolved in a browser. Importing the wasm backend registers it; the bundler emits its three
// binaries as assets (`?url`), and setWasmPaths tells the backend where they are served.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** Tells the (registered) wasm backend where the site serves its binaries; call before selecting it. */
export function serveWasmBinaries(): void {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
  });
}
