/**
 * Table-driven CRC-32 checksums (reflected, initial value and final XOR 0xFFFFFFFF): CRC-32 of
 * PNG chunks and zlib, and CRC-32C (Castagnoli) of TFRecord files.
 */

/** The 256-entry table of a reflected CRC-32 with polynomial `poly` (reversed form). */
function crcTable(poly: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? poly ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

function crcWith(table: Uint32Array, bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const CRC32_TABLE = crcTable(0xedb88320);
const CRC32C_TABLE = crcTable(0x82f63b78);

/** CRC-32 (ISO-HDLC, as in PNG and zlib) of `bytes`, as an unsigned 32-bit integer. */
export function crc32(bytes: Uint8Array): number {
  return crcWith(CRC32_TABLE, bytes);
}

/** CRC-32C (Castagnoli, RFC 3720) of `bytes`, as an unsigned 32-bit integer. */
export function crc32c(bytes: Uint8Array): number {
  return crcWith(CRC32C_TABLE, bytes);
}

/**
 * The masked CRC-32C that TFRecord files store: the CRC rotated right by 15 bits plus
 * 0xA282EAD8 (mod 2^32), so that a CRC of data that itself holds CRCs does not degenerate.
 */
export function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}
