/**
 * JSON encoding of component states ({@link StateValue} trees) for checkpoints: typed arrays
 * become `{ "$typed": kind, "base64": bytes }` so their bits survive exactly; everything else
 * is plain JSON. Decoding checks every node and names the path of a malformed one.
 */
import type { StateValue } from '@ppo/core';
import { PpoRangeError, PpoTypeError } from '@ppo/utils';

const TYPED = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint32: Uint32Array,
  uint8: Uint8Array,
} as const;

type TypedKind = keyof typeof TYPED;

function kindOf(value: object): TypedKind | null {
  for (const [kind, ctor] of Object.entries(TYPED) as [TypedKind, (typeof TYPED)[TypedKind]][]) {
    if (value instanceof ctor) return kind;
  }
  return null;
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** A component state as JSON (typed arrays base64-encoded). */
export function encodeState(value: StateValue, path = 'state'): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new PpoRangeError('INVALID_STATE', `${path} is ${value}: component states must hold finite numbers`);
    return value;
  }
  if (ArrayBuffer.isView(value)) {
    const kind = kindOf(value);
    if (kind === null) throw new PpoTypeError('INVALID_STATE', `${path} is a ${value.constructor.name}, expected one of ${Object.keys(TYPED).join(', ')} typed arrays`);
    return { $typed: kind, base64: toBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  }
  if (Array.isArray(value)) return value.map((x: StateValue, i) => encodeState(x, `${path}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, x] of Object.entries(value)) {
      if (key === '$typed') throw new PpoRangeError('INVALID_STATE', `${path} uses the reserved key '$typed'`);
      out[key] = encodeState(x, `${path}.${key}`);
    }
    return out;
  }
  throw new PpoTypeError('INVALID_STATE', `${path} is ${typeof value}, expected a number, string, boolean, null, typed array, array or plain object`);
}

/** The state {@link encodeState} encoded; throws naming the path of a malformed node. */
export function decodeState(json: unknown, path = 'state'): StateValue {
  if (json === null || typeof json === 'string' || typeof json === 'boolean') return json;
  if (typeof json === 'number') {
    if (!Number.isFinite(json)) throw new PpoRangeError('BAD_CHECKPOINT', `${path} is ${json}, expected a finite number`);
    return json;
  }
  if (Array.isArray(json)) return json.map((x, i) => decodeState(x, `${path}[${i}]`));
  if (typeof json === 'object') {
    const record = json as Record<string, unknown>;
    if (Object.hasOwn(record, '$typed')) {
      const kind = record.$typed;
      if (typeof kind !== 'string' || !Object.hasOwn(TYPED, kind) || typeof record.base64 !== 'string' || Object.keys(record).length !== 2) {
        throw new PpoTypeError('BAD_CHECKPOINT', `${path} is not a valid typed array ({ "$typed": ${Object.keys(TYPED).join('|')}, "base64": string })`);
      }
      const ctor = TYPED[kind as TypedKind];
      let bytes: Uint8Array;
      try {
        bytes = fromBase64(record.base64);
      } catch {
        throw new PpoTypeError('BAD_CHECKPOINT', `${path}.base64 is not valid base64`);
      }
      if (bytes.byteLength % ctor.BYTES_PER_ELEMENT !== 0) {
        throw new PpoRangeError('BAD_CHECKPOINT', `${path} holds ${bytes.byteLength} bytes, not a whole number of ${kind} elements`);
      }
      return new ctor(bytes.buffer as ArrayBuffer, 0, bytes.byteLength / ctor.BYTES_PER_ELEMENT);
    }
    const out: Record<string, StateValue> = {};
    for (const [key, x] of Object.entries(record)) out[key] = decodeState(x, `${path}.${key}`);
    return out;
  }
  throw new PpoTypeError('BAD_CHECKPOINT', `${path} is ${typeof json}, expected JSON`);
}
