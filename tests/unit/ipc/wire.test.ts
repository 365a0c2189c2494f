import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../../electron/shared/ipc/wire.js';

describe('wire codec', () => {
  it('carries binary frames inside JSON, at any depth', () => {
    const rgb = new Uint8Array([0, 1, 2, 253, 254, 255]);
    const message = { t: 'evt', name: 'job.preview', payload: { jobId: 'j', rgb, nested: [{ b: Buffer.from([9, 8]) }] } };
    const back = decodeWire(encodeWire(message)) as { payload: { rgb: Uint8Array; nested: Array<{ b: Uint8Array }> } };
    expect(back.payload.rgb).toBeInstanceOf(Uint8Array);
    expect([...back.payload.rgb]).toEqual([...rgb]);
    expect([...back.payload.nested[0]!.b]).toEqual([9, 8]);
  });

  it('round-trips any JSON value and any byte array', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.uint8Array({ maxLength: 300 }), (value, bytes) => {
      const back = decodeWire(encodeWire({ value, bytes })) as { value: unknown; bytes: Uint8Array };
      expect(back.value).toEqual(JSON.parse(JSON.stringify(value)));
      expect([...back.bytes]).toEqual([...bytes]);
    }), { numRuns: 300 });
  });
});
