/**
 * Test-only: an independent reader of TensorBoard event files, to check what the trainer writes:
 * a TFRecord reader written here (with a bit-by-bit CRC-32C, not the table-driven one under
 * test) and protobufjs decoding TensorFlow's `Event` and `Summary` messages from their .proto
 * definitions.
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

// The fields of tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto
// that scalar logging uses.
const { root } = protobuf.parse(`
syntax = "proto3";
message Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; bytes graph_def = 4; Summary summary = 5; } }
message Summary { message Value { string node_name = 7; string tag = 1; oneof value { float simple_value = 2; bytes obsolete_old_style_histogram = 3; } } repeated Value value = 1; }
`);
const EventType = root.lookupType('Event');

function crc32cBitwise(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function masked(bytes: Uint8Array): number {
  const c = crc32cBitwise(bytes);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}

/** An `Event` as protobufjs decodes it. */
export interface DecodedEvent {
  wallTime: number;
  step: number;
  /** Which member of the `what` oneof is set. */
  what: 'fileVersion' | 'summary';
  fileVersion?: string;
  summary?: { value: { tag: string; simpleValue: number; value: string }[] };
}

/** Reads every TFRecord of an event file, checking both CRCs, and decodes each as an `Event`. */
export function readEvents(path: string): DecodedEvent[] {
  const bytes = new Uint8Array(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: DecodedEvent[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== masked(bytes.subarray(at, at + 8))) throw new Error(`${path}: bad length CRC at byte ${at}`);
    const data = bytes.subarray(at + 12, at + 12 + length);
    if (view.getUint32(at + 12 + length, true) !== masked(data)) throw new Error(`${path}: bad data CRC at byte ${at}`);
    const event = EventType.toObject(EventType.decode(data), { longs: Number, oneofs: true }) as DecodedEvent;
    // Zero is the default of a proto3 field, which toObject leaves out.
    events.push({ ...event, wallTime: event.wallTime ?? 0, step: event.step ?? 0 });
    at += 16 + length;
  }
  return events;
}
