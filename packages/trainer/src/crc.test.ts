import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, crc32c, maskedCrc32c } from './crc';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('crc32c', () => {
  it('matches the published check value and the RFC 3720 (B.4) test vectors', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, k) => k))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, k) => 31 - k))).toBe(0x113fdb5c);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('masks as TFRecord does: rotate right by 15, add 0xA282EAD8', () => {
    // For "123456789" (worked out on the bit string): 0xE3069283 rotated right by 15 is 0x2507C60D, plus 0xA282EAD8 is 0xC78AB0E5.
    expect(maskedCrc32c(ascii('123456789'))).toBe(0xc78ab0e5);
    expect(maskedCrc32c(new Uint8Array(0))).toBe(0xa282ead8);
  });
});

describe('crc32', () => {
  it('matches the check value and node:zlib on random inputs', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    let seed = 7;
    for (const length of [0, 1, 5, 64, 1000]) {
      const bytes = Uint8Array.from({ length }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
      expect(crc32(bytes), `length ${length}`).toBe(zlibCrc32(bytes));
    }
  });
});
