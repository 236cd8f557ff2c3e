/**
 * TensorBoard event records, encoded by hand: the `Event` protocol buffer (with scalar
 * `Summary.Value`s) framed as a TFRecord. No dependencies, no Node built-ins.
 *
 * Wire format (TensorFlow's `event.proto` and `summary.proto`):
 * `Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; } }`,
 * `Summary { repeated Value value = 1; }`, `Value { string tag = 1; float simple_value = 2; }`.
 * A TFRecord is `uint64 length, uint32 masked_crc32c(length), byte data[length], uint32 masked_crc32c(data)`,
 * little-endian.
 */
import { maskedCrc32c } from './crc';

/** The first event of every event file names the format version. */
export const EVENT_FILE_VERSION = 'brain.Event:2';

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/** Grows as bytes are appended; protobuf fields are written in field-number order. */
class ProtoWriter {
  private bytes = new Uint8Array(64);
  private length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** A non-negative integer up to 2^53 as a base-128 varint (division keeps it exact past 2^32). */
  varint(value: number): this {
    this.reserve(10);
    let v = value;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
    return this;
  }

  private tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  uint(field: number, value: number): this {
    return this.tag(field, WIRE_VARINT).varint(value);
  }

  double(field: number, value: number): this {
    this.tag(field, WIRE_FIXED64).reserve(8);
    new DataView(this.bytes.buffer).setFloat64(this.length, value, true);
    this.length += 8;
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32).reserve(4);
    new DataView(this.bytes.buffer).setFloat32(this.length, value, true);
    this.length += 4;
    return this;
  }

  bytesField(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_BYTES).varint(data.length).reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
    return this;
  }

  string(field: number, text: string): this {
    return this.bytesField(field, new TextEncoder().encode(text));
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** What one event carries: the format version (the file's first event) or scalar values. */
export type EventContent = { readonly fileVersion: string } | { readonly scalars: Readonly<Record<string, number>> };

/**
 * The `Event` message: `wallTime` in seconds since the Unix epoch, `step` a non-negative
 * integer, and either the file version or one `simple_value` per scalar (float32, in the
 * order given).
 */
export function encodeEvent(wallTime: number, step: number, content: EventContent): Uint8Array {
  const event = new ProtoWriter().double(1, wallTime).uint(2, step);
  if ('fileVersion' in content) return event.string(3, content.fileVersion).finish();
  const summary = new ProtoWriter();
  for (const [tag, value] of Object.entries(content.scalars)) summary.bytesField(1, new ProtoWriter().string(1, tag).float(2, value).finish());
  return event.bytesField(5, summary.finish()).finish();
}

/** `data` framed as one TFRecord: length, its masked CRC-32C, the data, its masked CRC-32C. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const view = new DataView(out.buffer);
  // A record never approaches 2^32 bytes here: the high word of the length is zero.
  view.setUint32(0, data.length, true);
  view.setUint32(4, 0, true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}
