// Byte helpers of the WebAssembly kernels that the packages assemble from their bytes (small
// modules that compile synchronously in Node and in browsers, with no build step).

/** Unsigned LEB128 of a non-negative integer below 2^32 (WebAssembly's integer encoding). */
export function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** A WebAssembly module section: its id, then its content's byte length and the content. */
export function wasmSection(id: number, content: readonly number[]): number[] {
  return [id, ...leb128(content.length), ...content];
}

/** A WebAssembly name (of an export or import): its length, then its ASCII bytes. */
export function wasmName(s: string): number[] {
  return [...leb128(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}
