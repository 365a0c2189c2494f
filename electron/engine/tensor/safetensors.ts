// A minimal safetensors reader (https://github.com/huggingface/safetensors, "Format"): 8-byte little-endian header
// length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}, then the raw
// little-endian tensor bytes, offsets relative to the end of the header. Used for the exporter's parity vectors.

import { readFile } from 'node:fs/promises';

export type SafetensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

export interface Safetensor {
  dtype: string;
  shape: number[];
  data: SafetensorData;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function decode(dtype: string, bytes: Uint8Array, name: string): SafetensorData {
  // Copy into a fresh buffer: tensor offsets in the file need not be aligned for typed-array views.
  const buffer = bytes.slice().buffer;
  const view = new DataView(buffer);
  switch (dtype) {
    case 'F32':
      return new Float32Array(buffer);
    case 'F64':
      return new Float64Array(buffer);
    case 'I64':
      return new BigInt64Array(buffer);
    case 'I32':
      return new Int32Array(buffer);
    case 'U8':
    case 'BOOL':
      return new Uint8Array(buffer);
    case 'F16':
      return Float32Array.from({ length: bytes.length / 2 }, (_, i) => halfToFloat(view.getUint16(2 * i, true)));
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const out = new Float32Array(bytes.length / 2);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < out.length; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      return out;
    }
    default:
      throw new Error(`${name}: unsupported safetensors dtype ${dtype}`);
  }
}

export function parseSafetensors(file: Uint8Array, source = 'safetensors'): Map<string, Safetensor> {
  if (file.length < 8) throw new Error(`${source}: too short for a safetensors header`);
  const headerLength = Number(new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true));
  if (8 + headerLength > file.length) throw new Error(`${source}: header length ${headerLength} exceeds the file`);
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength))) as Record<string, HeaderEntry | Record<string, string>>;
  const body = file.subarray(8 + headerLength);
  const tensors = new Map<string, Safetensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: [begin, end] } = entry as HeaderEntry;
    if (end > body.length || begin > end) throw new Error(`${source}: ${name}: data_offsets [${begin}, ${end}] outside the data`);
    tensors.set(name, { dtype, shape, data: decode(dtype, body.subarray(begin, end), `${source}: ${name}`) });
  }
  return tensors;
}

export async function readSafetensors(path: string): Promise<Map<string, Safetensor>> {
  return parseSafetensors(new Uint8Array(await readFile(path)), path);
}
