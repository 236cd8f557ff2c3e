import { PpoError, PpoRangeError } from '@ppo/utils';

/** The first four bytes of every frame: 'PPOF'. */
const MAGIC = 0x464f5050;

/** A typed array a frame carries. */
export type FrameArray = Float32Array | Int32Array | Uint8Array;

/** Rounds up to a multiple of 4, so every Float32 or Int32 block starts aligned. */
function aligned(n: number): number {
  return (n + 3) & ~3;
}

/**
 * Packs a JSON header and typed arrays into one buffer: magic, header length, the UTF-8 JSON,
 * then each array's bytes on a 4-byte boundary. The reader needs the header to know the
 * arrays' kinds and lengths (see {@link decodeFrame}).
 */
export function encodeFrame(header: unknown, arrays: readonly FrameArray[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  let size = aligned(8 + json.length);
  for (const a of arrays) size += aligned(a.byteLength);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  out.set(json, 8);
  let at = aligned(8 + json.length);
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += aligned(a.byteLength);
  }
  return out;
}

/** Reads typed arrays, in order, out of a frame's body. */
export class FrameReader {
  private at: number;
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
  ) {
    this.at = start;
  }

  private take(byteLength: number, what: string): Uint8Array {
    if (this.at + byteLength > this.bytes.length) {
      throw new PpoError('BAD_MESSAGE', `frame: ${what} needs ${byteLength} bytes at ${this.at}, the frame holds ${this.bytes.length}`);
    }
    // Copy into a buffer of its own, aligned whatever the message's buffer is (a Node Buffer's
    // slice() would share a pooled one).
    const part = new Uint8Array(byteLength);
    part.set(this.bytes.subarray(this.at, this.at + byteLength));
    this.at += aligned(byteLength);
    return part;
  }

  float32(length: number, what: string): Float32Array {
    return new Float32Array(this.take(length * 4, what).buffer);
  }

  int32(length: number, what: string): Int32Array {
    return new Int32Array(this.take(length * 4, what).buffer);
  }

  uint8(length: number, what: string): Uint8Array {
    return this.take(length, what);
  }
}

/** Splits a frame into its JSON header and a reader of its arrays; throws `BAD_MESSAGE` on anything else. */
export function decodeFrame(bytes: Uint8Array): { header: unknown; reader: FrameReader } {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8) throw new PpoError('BAD_MESSAGE', `frame: expected at least 8 bytes, got ${bytes?.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new PpoError('BAD_MESSAGE', 'frame: bad magic (not a frame of this protocol)');
  const length = view.getUint32(4, true);
  if (8 + length > bytes.length) throw new PpoError('BAD_MESSAGE', `frame: header of ${length} bytes overruns the ${bytes.length}-byte frame`);
  const header: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  return { header, reader: new FrameReader(bytes, aligned(8 + length)) };
}

/** Splits `bytes` into parts of at most `maxPart` bytes (views, not copies); an empty payload is one empty part. */
export function splitPayload(bytes: Uint8Array, maxPart: number): Uint8Array[] {
  if (!Number.isInteger(maxPart) || maxPart < 1) throw new PpoRangeError('INVALID_ARGUMENT', `splitPayload: maxPart must be a positive integer, got ${maxPart}`);
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += maxPart) parts.push(bytes.subarray(at, Math.min(bytes.length, at + maxPart)));
  return parts.length === 0 ? [bytes] : parts;
}

/** Copies `bytes` into a buffer of its own (4-byte aligned, exactly its length). */
export function ownCopy(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

/** Joins parts back into one buffer. */
export function joinParts(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
