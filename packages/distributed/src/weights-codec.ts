import { PpoError } from '@ppo/utils';
import { decodeFrame, encodeFrame } from './binary-frame';

/** Packs named Float32 weights (a policy's `getWeights()`) into one binary frame, in the map's order. */
export function encodeWeights(weights: ReadonlyMap<string, Float32Array>): Uint8Array {
  const names = [...weights.keys()];
  const arrays = names.map((name) => weights.get(name) as Float32Array);
  return encodeFrame({ kind: 'weights', entries: names.map((name, i) => [name, arrays[i].length]) }, arrays);
}

/** Reads a frame written by {@link encodeWeights}; throws `BAD_MESSAGE` when it is anything else. */
export function decodeWeights(bytes: Uint8Array): Map<string, Float32Array> {
  const { header, reader } = decodeFrame(bytes);
  const h = header as { kind?: unknown; entries?: unknown } | null;
  if (h === null || h.kind !== 'weights' || !Array.isArray(h.entries)) throw new PpoError('BAD_MESSAGE', 'weights: malformed header');
  const out = new Map<string, Float32Array>();
  for (const entry of h.entries as unknown[]) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Number.isInteger(entry[1]) || (entry[1] as number) < 0) {
      throw new PpoError('BAD_MESSAGE', `weights: malformed entry ${JSON.stringify(entry)}`);
    }
    out.set(entry[0], reader.float32(entry[1] as number, entry[0]));
  }
  return out;
}
