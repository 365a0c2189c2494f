import { describe, expect, it } from 'vitest';
import { ropeFrequencies, ropeGrid, ropeTables } from '../../../electron/engine/dit/rope.js';

describe('RoPE tables (spec §3.6)', () => {
  it('freq_i = 1 / theta^(2i/d)', () => {
    expect([...ropeFrequencies(4, 256)]).toEqual([1, 1 / 16]);
    const f = ropeFrequencies(8, 256);
    [1, 1 / 4, 1 / 16, 1 / 64].forEach((v, i) => expect(f[i]).toBeCloseTo(v, 7));
    expect(() => ropeFrequencies(3, 256)).toThrow(RangeError);
  });

  it('grid is the latent shape divided by the patch', () => {
    expect(ropeGrid([5, 8, 8], [1, 2, 2])).toEqual([5, 4, 4]);
    expect(() => ropeGrid([5, 7, 8], [1, 2, 2])).toThrow(RangeError);
  });

  it('on a 2×1×3 grid with dims [2, 2, 4]: tokens (t, h, w) row-major, axes T|H|W, cos/sin interleaved', () => {
    const { cos, sin, tokens, headDim } = ropeTables([2, 1, 3], [2, 2, 4], 256);
    expect(tokens).toBe(6);
    expect(headDim).toBe(8);
    const row = (table: Float32Array, n: number) => [...table.subarray(n * 8, n * 8 + 8)];
    // Hand-computed: T axis freq [1], H axis freq [1], W axis freqs [1, 1/16].
    const expected = (fn: (x: number) => number, t: number, h: number, w: number) =>
      [fn(t), fn(t), fn(h), fn(h), fn(w), fn(w), fn(w / 16), fn(w / 16)].map(Math.fround);
    let n = 0;
    for (let t = 0; t < 2; t++) {
      for (let w = 0; w < 3; w++, n++) {
        expect(row(cos, n)).toEqual(expected(Math.cos, t, 0, w));
        expect(row(sin, n)).toEqual(expected(Math.sin, t, 0, w));
      }
    }
    // Token 0 is the identity rotation.
    expect(row(cos, 0)).toEqual(Array(8).fill(1));
    expect(row(sin, 0)).toEqual(Array(8).fill(0));
  });

  it('HV sizes: 16/56/56 dims give 128-wide rows, dims 0–15 time, 16–71 height, 72–127 width', () => {
    const { cos, headDim } = ropeTables([2, 2, 2], [16, 56, 56], 256);
    expect(headDim).toBe(128);
    // Token (1, 0, 0): only the time block rotates.
    const token = 4;
    const r = cos.subarray(token * 128, token * 128 + 128);
    expect(r[0]).toBeCloseTo(Math.cos(1), 6);
    expect(r[16]).toBe(1);
    expect(r[72]).toBe(1);
  });
});
