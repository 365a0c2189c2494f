import { describe, expect, it } from 'vitest';
import { fillGaussianNoise, gaussianNoise, philox4x32 } from '../../../electron/engine/sampler/noise.js';

const words = (hex: string) => hex.split(' ').map((h) => parseInt(h, 16));

describe('philox4x32-10', () => {
  // Known-answer vectors of the Random123 distribution (tests/kat_vectors, "philox4x32 10" lines).
  it.each([
    ['00000000 00000000 00000000 00000000', '00000000 00000000', '6627e8d5 e169c58d bc57ac4c 9b00dbd8'],
    ['ffffffff ffffffff ffffffff ffffffff', 'ffffffff ffffffff', '408f276d 41c83b0e a20bc7c6 6d5451fd'],
    ['243f6a88 85a308d3 13198a2e 03707344', 'a4093822 299f31d0', 'd16cfe09 94fdcceb 5001e420 24126ea1'],
  ])('counter %s key %s → %s', (counter, key, expected) => {
    const out = new Uint32Array(4);
    philox4x32(words(counter) as [number, number, number, number], words(key) as [number, number], out);
    expect([...out]).toEqual(words(expected));
  });
});

describe('gaussianNoise', () => {
  it('is Box-Muller over the documented Philox stream', () => {
    const block = new Uint32Array(4);
    philox4x32([0, 0, 0, 0], [42, 0], block);
    const u = [...block].map((w) => (w + 0.5) / 2 ** 32);
    const r0 = Math.sqrt(-2 * Math.log(u[0]!));
    const r1 = Math.sqrt(-2 * Math.log(u[2]!));
    const expected = [r0 * Math.cos(2 * Math.PI * u[1]!), r0 * Math.sin(2 * Math.PI * u[1]!), r1 * Math.cos(2 * Math.PI * u[3]!), r1 * Math.sin(2 * Math.PI * u[3]!)];
    expect([...gaussianNoise(42, 4)]).toEqual(expected.map(Math.fround));
  });

  it('known values (pins the stream: changing them changes every seed of every saved clip)', () => {
    expect([...gaussianNoise(0, 6)].map((v) => v.toFixed(6))).toMatchInlineSnapshot(`
      [
        "0.991138",
        "-0.924663",
        "-0.617609",
        "-0.482069",
        "-0.153638",
        "0.180826",
      ]
    `);
    expect([...gaussianNoise(7, 3)].map((v) => v.toFixed(6))).toMatchInlineSnapshot(`
      [
        "0.000292",
        "-0.304847",
        "1.788757",
      ]
    `);
  });

  it('same seed → same bits; another seed → other values; a prefix does not depend on the length', () => {
    const a = gaussianNoise(1234, 1001);
    expect(gaussianNoise(1234, 1001)).toEqual(a);
    expect(gaussianNoise(1235, 1001)).not.toEqual(a);
    expect(gaussianNoise(1234, 10)).toEqual(a.subarray(0, 10));
  });

  it('is standard normal', () => {
    const n = 200_000;
    const x = gaussianNoise(99, n);
    let mean = 0;
    for (const v of x) mean += v;
    mean /= n;
    let variance = 0;
    let beyond3 = 0;
    for (const v of x) {
      variance += (v - mean) ** 2;
      if (Math.abs(v) > 3) beyond3++;
    }
    variance /= n;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
    expect(beyond3 / n).toBeGreaterThan(0.002);
    expect(beyond3 / n).toBeLessThan(0.0035); // 0.27% for N(0, 1)
  });

  it('accepts the full 32-bit seed range and nothing else', () => {
    expect(gaussianNoise(0xffffffff, 2).every(Number.isFinite)).toBe(true);
    expect(() => fillGaussianNoise(-1, new Float32Array(1))).toThrow(RangeError);
    expect(() => fillGaussianNoise(2 ** 32, new Float32Array(1))).toThrow(RangeError);
    expect(() => fillGaussianNoise(1.5, new Float32Array(1))).toThrow(RangeError);
  });
});
