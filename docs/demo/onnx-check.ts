// onnxruntime-web's wasm build, with its one binary emitted by the bundler (`?url`) and served
// with the site: nothing is fetched from another host.
import * as ort from 'onnxruntime-web/wasm';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';

/**
 * The actions the `policy.onnx` of an export (input `observation` [count, size] float32, output
 * `action`) takes for `count` raw observations, run by onnxruntime-web.
 */
export async function onnxActions(url: string, observations: Float32Array, count: number, size: number): Promise<Int32Array> {
  ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };
  // Threads need a cross-origin-isolated page, which a static site usually is not.
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(url);
  try {
    const result = await session.run({ observation: new ort.Tensor('float32', observations, [count, size]) });
    return result.action.data as Int32Array;
  } finally {
    await session.release();
  }
}
