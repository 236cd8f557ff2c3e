import { describe, expect, it } from 'vitest';
import { leb128, wasmName, wasmSection } from './wasm-bytes';

describe('WebAssembly byte helpers', () => {
  it('encode LEB128 as the WebAssembly specification examples do', () => {
    expect(leb128(0)).toEqual([0]);
    expect(leb128(127)).toEqual([0x7f]);
    expect(leb128(128)).toEqual([0x80, 0x01]);
    expect(leb128(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(leb128(2 ** 32 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('assemble a module that WebAssembly validates and runs', () => {
    // (func (export "seven") (result i32) i32.const 7)
    const body = [0, 0x41, 7, 0x0b];
    const bytes = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...wasmSection(1, [1, 0x60, 0, 1, 0x7f]),
      ...wasmSection(3, [1, 0]),
      ...wasmSection(7, [1, ...wasmName('seven'), 0, 0]),
      ...wasmSection(10, [1, ...leb128(body.length), ...body]),
    ]); // prettier-ignore
    expect(WebAssembly.validate(bytes)).toBe(true);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    expect((instance.exports.seven as () => number)()).toBe(7);
  });
});
