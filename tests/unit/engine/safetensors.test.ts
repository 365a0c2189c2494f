import { describe, expect, it } from 'vitest';
import { parseSafetensors } from '../../../electron/engine/tensor/safetensors.js';

function safetensors(entries: Array<[string, string, number[], Uint8Array]>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [name, dtype, shape, bytes] of entries) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, , , bytes] of entries) {
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('parseSafetensors', () => {
  it('reads F32, I64, U8, F16 and BF16 tensors at unaligned offsets', () => {
    const file = safetensors(
      [
        ['ids', 'U8', [3], new Uint8Array([1, 2, 3])],
        ['x', 'F32', [2, 2], bytesOf(new Float32Array([1, -2, 0.5, 3]))],
        ['n', 'I64', [2], bytesOf(new BigInt64Array([5n, -7n]))],
        ['h', 'F16', [2], bytesOf(new Uint16Array([0x3c00, 0xc000]))],
        ['b', 'BF16', [1], bytesOf(new Uint16Array([0x3fc0]))],
      ],
      { format: 'pt' },
    );
    const tensors = parseSafetensors(file);
    expect([...tensors.keys()]).toEqual(['ids', 'x', 'n', 'h', 'b']);
    expect(tensors.get('x')).toEqual({ dtype: 'F32', shape: [2, 2], data: new Float32Array([1, -2, 0.5, 3]) });
    expect([...(tensors.get('n')!.data as BigInt64Array)]).toEqual([5n, -7n]);
    expect([...tensors.get('ids')!.data]).toEqual([1, 2, 3]);
    expect([...tensors.get('h')!.data]).toEqual([1, -2]);
    expect([...tensors.get('b')!.data]).toEqual([1.5]);
  });

  it('rejects truncated files', () => {
    const file = safetensors([['x', 'F32', [1], bytesOf(new Float32Array([1]))]]);
    expect(() => parseSafetensors(file.subarray(0, file.length - 1))).toThrow(/outside the data/);
    expect(() => parseSafetensors(new Uint8Array(4))).toThrow(/too short/);
  });
});
