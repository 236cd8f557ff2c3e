// Helpers shared by the WebAssembly kernels that are assembled here from their bytes.

/** Unsigned LEB128 of a small non-negative integer. */
export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of an int32 (the immediate of `i32.const` and `i64.const`). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A module section: its id, then its content's length and the content. */
export const section = (id: number, content: number[]): number[] => [id, ...leb(content.length), ...content];

/** A name (an export's) as its length and ASCII bytes. */
export const name = (s: string): number[] => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
