import { Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../electron/engine/api.js';
import type { LatentShape } from '../../../electron/engine/dit/transformer.js';
import type { Feeds, Graph } from '../../../electron/engine/pack/sessions.js';
import { gaussianNoise } from '../../../electron/engine/sampler/noise.js';
import { decodeLatents, type VaeDecodeOptions } from '../../../electron/engine/vae/decode.js';
import { toByte, videoToFrames } from '../../../electron/engine/vae/frames.js';
import type { VaeTilingConfig } from '../../../electron/engine/vae/tiling.js';

/**
 * A stand-in VAE decoder in plain TypeScript with the causal layout (frame f ← latent ⌈f/4⌉, pixel ← latent/8):
 * `pixel(latent values) → rgb`. A pointwise decoder gives the same pixel whatever tile it is decoded in, so tiled
 * and one-call decoding must agree up to the blend's rounding.
 */
function fakeDecoder(pixel: (values: number[], c: number) => number, calls: Array<readonly number[]> = []): Graph {
  return {
    key: 'vae_decoder',
    async run(feeds: Feeds): Promise<Feeds> {
      const input = feeds.latents!;
      const [, C, T, H, W] = input.dims as [number, number, number, number, number];
      calls.push(input.dims);
      const data = input.data as Float32Array;
      const F = 4 * (T - 1) + 1;
      const out = new Float32Array(3 * F * 8 * H * 8 * W);
      for (let c = 0; c < 3; c++) {
        for (let f = 0; f < F; f++) {
          const t = Math.ceil(f / 4);
          for (let y = 0; y < 8 * H; y++) {
            for (let x = 0; x < 8 * W; x++) {
              const values = Array.from({ length: C }, (_, k) => data[((k * T + t) * H + (y >> 3)) * W + (x >> 3)]!);
              out[((c * F + f) * 8 * H + y) * 8 * W + x] = pixel(values, c);
            }
          }
        }
      }
      return { video: new Tensor('float32', out, [1, 3, F, 8 * H, 8 * W]) };
    },
  };
}

const tiling: VaeTilingConfig = { tile_latent_frames: 2, tile_latent_stride_frames: 1, blend_frames: 4, tile_latent_size: 3, tile_latent_stride: 2, blend_pixels: 8 };
const options = (tiled: boolean): VaeDecodeOptions => ({ tiling, temporalRatio: 4, spatialRatio: 8, scalingFactor: 0.5, tiled });

describe('decodeLatents', () => {
  const shape: LatentShape = [2, 5, 5, 4];
  const latents = gaussianNoise(3, 2 * 5 * 5 * 4);
  const pointwise = (v: number[], c: number) => Math.tanh(0.3 * v[0]! - 0.2 * v[1]! + 0.1 * c);

  it('tiled and one-call decoding agree for a pointwise decoder, over temporal and spatial tiles', async () => {
    const tiledCalls: Array<readonly number[]> = [];
    const whole = await decodeLatents(fakeDecoder(pointwise), latents, shape, options(false));
    const tiled = await decodeLatents(fakeDecoder(pointwise, tiledCalls), latents, shape, options(true));
    expect([tiled.frames, tiled.height, tiled.width]).toEqual([17, 40, 32]);
    expect([whole.frames, whole.height, whole.width]).toEqual([17, 40, 32]);
    let max = 0;
    for (let i = 0; i < whole.data.length; i++) max = Math.max(max, Math.abs(whole.data[i]! - tiled.data[i]!));
    expect(max).toBeLessThan(1e-6);
    // 4 temporal tiles (starts 0, 1, 2, 3) × 3 rows × 2 columns, each at most 3 latent frames and 3×3 latents.
    expect(tiledCalls).toHaveLength(4 * 3 * 2);
    expect(tiledCalls.every(([, , t, h, w]) => t! <= 3 && h! <= 3 && w! <= 3)).toBe(true);
  });

  it('divides latents by the scaling factor before decoding (spec §4.6)', async () => {
    const video = await decodeLatents(fakeDecoder((v) => v[0]!), latents.subarray(0, 2), [2, 1, 1, 1], options(false));
    expect(video.data[0]).toBeCloseTo(latents[0]! / 0.5, 6);
  });

  it('blends linearly with weight x/e for the newer tile, like HV blend_t', async () => {
    // A decoder whose output is the tile's first latent frame index everywhere shows the ramp between tiles.
    const tileIndex: Graph = {
      key: 'vae_decoder',
      async run(feeds) {
        const [, , T, H, W] = feeds.latents!.dims as number[];
        const first = (feeds.latents!.data as Float32Array)[0]!;
        const F = 4 * (T! - 1) + 1;
        return { video: new Tensor('float32', new Float32Array(3 * F * 64 * H! * W!).fill(first), [1, 3, F, 8 * H!, 8 * W!]) };
      },
    };
    // Latent frame t holds t·scaling, so a tile decodes to its first latent frame's index.
    const T = 3;
    const ramp = new Float32Array(T).map((_, t) => t * 0.5);
    const video = await decodeLatents(tileIndex, ramp, [1, T, 1, 1], { ...options(true), tiling: { ...tiling, tile_latent_size: 8 } });
    const frameValues = Array.from({ length: video.frames }, (_, f) => video.data[f * 64]!);
    // Tile 0 keeps frames 0–4 (value 0); tile 1 starts at frame 5 with a 4-frame blend against tile 0: x/4 weights.
    expect(frameValues.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(frameValues.slice(5, 9)).toEqual([0, 0.25, 0.5, 0.75]);
  });

  it('rejects a decoder output of the wrong shape as a pack-graph error', async () => {
    const wrong: Graph = { key: 'vae_decoder', run: async () => ({ video: new Tensor('float32', new Float32Array(3), [1, 3, 1, 1, 1]) }) };
    await expect(decodeLatents(wrong, latents, shape, options(false))).rejects.toMatchObject({ code: 'pack-graph' });
  });

  it('stops between tiles when cancelled', async () => {
    const controller = new AbortController();
    let calls = 0;
    const cancelling: Graph = {
      key: 'vae_decoder',
      run: async (feeds) => {
        calls++;
        controller.abort();
        return fakeDecoder(pointwise).run(feeds);
      },
    };
    const error = await decodeLatents(cancelling, latents, shape, { ...options(true), signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('cancelled');
    expect(calls).toBe(1);
  });
});

describe('videoToFrames', () => {
  it('(x/2 + 0.5).clamp(0, 1)·255, truncated, CFHW → FHWC', () => {
    const video = { data: new Float32Array([-1, 1, 0, 0.5, /* g */ 2, -2, 0.001, NaN, /* b */ 0, 0, 0, 0]), frames: 2, height: 1, width: 2 };
    expect([...videoToFrames(video)]).toEqual([0, 255, 127, 255, 0, 127, 127, 127, 127, 191, 0, 127]);
    expect(toByte(0.9999999)).toBe(254);
    expect(toByte(1)).toBe(255);
  });
});
