// The few protocol-buffer encodings an ONNX file needs (varints, 32-bit floats, length-delimited bytes and
// messages), written by hand because they are small and a protobuf library would be the package's largest
// dependency. Fields are encoded one by one, repeated scalars unpacked (what proto2's onnx.proto declares).
const encoder = new TextEncoder();

const WIRE_VARINT = 0;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

function varintBytes(value: number): number[] {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`protobuf varint: ${value} is not a non-negative safe integer`);
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

const tag = (field: number, wire: number): number[] => varintBytes(field * 8 + wire);

/** One encoded field; a message is the concatenation of its fields. */
export type Field = Uint8Array;

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const varint = (field: number, value: number): Field =>
  Uint8Array.from([...tag(field, WIRE_VARINT), ...varintBytes(value)]);

export function float32(field: number, value: number): Field {
  const out = new Uint8Array([...tag(field, WIRE_FIXED32), 0, 0, 0, 0]);
  new DataView(out.buffer).setFloat32(out.length - 4, value, true);
  return out;
}

export const bytes = (field: number, data: Uint8Array): Field =>
  concat([Uint8Array.from([...tag(field, WIRE_BYTES), ...varintBytes(data.length)]), data]);

export const string = (field: number, text: string): Field => bytes(field, encoder.encode(text));

export const message = (field: number, fields: readonly Field[]): Field => bytes(field, concat(fields));
