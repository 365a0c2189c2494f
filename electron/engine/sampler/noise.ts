// Seeded Gaussian noise for the initial latents. HV draws it with a CUDA torch.Generator in fp16 (spec §3.14), which
// no other platform can reproduce, so the studio defines its own generator, fixed here so that a seed means the same
// clip on every machine and in the Python tools:
//
//   1. Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11; the Random123 reference,
//      also cuRAND's and PyTorch-CUDA's generator): key = (seed, 0) with the 32-bit seed, counter = (block, 0, 0, 0)
//      for block = 0, 1, 2, …; each block yields four uint32 words w0..w3.
//   2. Each word becomes a uniform u = (w + 0.5) / 2^32, strictly inside (0, 1) so the logarithm below is finite.
//   3. Box-Muller on the pairs (u0, u1) and (u2, u3): r = sqrt(−2 ln u_a), θ = 2π u_b, z = (r cos θ, r sin θ),
//      computed in float64, stored as float32 in the order z0 z1 z2 z3 of each block.
//
// Counter-based, so sample i depends only on (seed, i): a Python twin can vectorise it with numpy. Math.log/cos/sin
// are V8's own fdlibm ports (not the platform libm), so Electron and Node give the same bits on every OS.

export const NOISE_PRNG = 'philox4x32-10+box-muller/f32';

const PHILOX_M0 = 0xd2511f53;
const PHILOX_M1 = 0xcd9e8d57;
const PHILOX_W0 = 0x9e3779b9;
const PHILOX_W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product a·b of two uint32, exactly, from 16-bit limbs (doubles hold each product). */
function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lh = aLo * bHi;
  const hl = aHi * bLo;
  const mid = ((aLo * bLo) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (aHi * bHi + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/** One Philox4x32-10 block. `out` receives the four output words (uint32). */
export function philox4x32(counter: readonly [number, number, number, number], key: readonly [number, number], out: Uint32Array): void {
  let c0 = counter[0] >>> 0;
  let c1 = counter[1] >>> 0;
  let c2 = counter[2] >>> 0;
  let c3 = counter[3] >>> 0;
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi32(PHILOX_M0, c0);
    const lo0 = Math.imul(PHILOX_M0, c0) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, c2);
    const lo1 = Math.imul(PHILOX_M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + PHILOX_W0) >>> 0;
    k1 = (k1 + PHILOX_W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

const TWO_PI = 2 * Math.PI;
const INV_2_32 = 1 / 4294967296;

/** Fills `out` with standard-normal float32 samples for `seed` (an integer in [0, 2^32)). Same seed → same bits. */
export function fillGaussianNoise(seed: number, out: Float32Array): Float32Array {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
  const key = [seed, 0] as const;
  const counter: [number, number, number, number] = [0, 0, 0, 0];
  const words = new Uint32Array(4);
  for (let i = 0, block = 0; i < out.length; block++) {
    counter[0] = block;
    philox4x32(counter, key, words);
    for (let pair = 0; pair < 4 && i < out.length; pair += 2) {
      const r = Math.sqrt(-2 * Math.log((words[pair]! + 0.5) * INV_2_32));
      const theta = TWO_PI * ((words[pair + 1]! + 0.5) * INV_2_32);
      out[i++] = r * Math.cos(theta);
      if (i < out.length) out[i++] = r * Math.sin(theta);
    }
  }
  return out;
}

export function gaussianNoise(seed: number, count: number): Float32Array {
  return fillGaussianNoise(seed, new Float32Array(count));
}
