import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../electron/engine/api.js';
import {
  checkVaeTiling,
  decodedFrameCount,
  planSpatialTiles,
  planTemporalTiles,
  type VaeTilingConfig,
} from '../../../electron/engine/vae/tiling.js';

const HV: VaeTilingConfig = { tile_latent_frames: 16, tile_latent_stride_frames: 12, blend_frames: 16, tile_latent_size: 32, tile_latent_stride: 24, blend_pixels: 64 };

/** Arbitrary tilings that satisfy the alignment rule, as packs must. */
const tilingArb = fc
  .record({ tileT: fc.integer({ min: 1, max: 20 }), tileS: fc.integer({ min: 1, max: 40 }) })
  .chain(({ tileT, tileS }) =>
    fc.record({ strideT: fc.integer({ min: 1, max: tileT }), strideS: fc.integer({ min: 1, max: tileS }) }).map(({ strideT, strideS }) => ({
      tile_latent_frames: tileT, tile_latent_stride_frames: strideT, blend_frames: 4 * (tileT - strideT),
      tile_latent_size: tileS, tile_latent_stride: strideS, blend_pixels: 8 * (tileS - strideS),
    })),
  );

describe('temporal tiling plan', () => {
  it('HV example: T_lat = 33 → tiles [0:17], [12:29], [24:33] keeping 49 + 48 + 32 = 129 frames (spec §4.7)', () => {
    const plan = planTemporalTiles(33, HV, 4);
    expect(plan.tiled).toBe(true);
    expect(plan.tiles.map((t) => [t.latentStart, t.latentEnd])).toEqual([[0, 17], [12, 29], [24, 33]]);
    expect(plan.tiles.map((t) => t.keepFrames)).toEqual([49, 48, 32]);
    expect(plan.tiles.map((t) => t.blendFrames)).toEqual([0, 16, 16]);
    expect(plan.tiles.map((t) => t.dropFirstFrame)).toEqual([false, true, true]);
    expect(plan.outputFrames).toBe(129);
  });

  it('one tile when the clip fits (T_lat ≤ tile), as HV', () => {
    const plan = planTemporalTiles(16, HV, 4);
    expect(plan.tiled).toBe(false);
    expect(plan.tiles).toHaveLength(1);
    expect(plan.tiles[0]!.keepFrames).toBe(61);
  });

  it('leaves out a last tile that would contribute no frame (T_lat = 25, stride 12)', () => {
    const plan = planTemporalTiles(25, HV, 4);
    expect(plan.tiles.map((t) => t.latentStart)).toEqual([0, 12]);
    expect(plan.tiles.reduce((n, t) => n + t.keepFrames, 0)).toBe(97);
  });

  it('kept spans cover every output frame exactly once, 4(T−1)+1 in all, and blends line up', () => {
    fc.assert(
      fc.property(tilingArb, fc.integer({ min: 1, max: 60 }), (tiling, T) => {
        const plan = planTemporalTiles(T, tiling, 4);
        expect(plan.outputFrames).toBe(decodedFrameCount(T, 4));
        const covered = new Array<number>(plan.outputFrames).fill(0);
        plan.tiles.forEach((tile, i) => {
          expect(tile.keepFrames).toBeGreaterThan(0);
          expect(tile.keepFrames).toBeLessThanOrEqual(tile.frames);
          for (let f = 0; f < tile.keepFrames; f++) covered[tile.outputStart + f]!++;
          // A tile's first frame after the drop is output frame 4·start + 1: the causal decoder's layout.
          expect(tile.outputStart).toBe(i === 0 ? 0 : 4 * tile.latentStart + 1);
          expect(tile.frames).toBe(decodedFrameCount(tile.latentEnd - tile.latentStart, 4) - (i ? 1 : 0));
          const prev = plan.tiles[i - 1];
          if (prev) {
            // Blended frame x of this tile and frame (prev.frames − e + x) of the previous one are the same output frame.
            const e = tile.blendFrames;
            const prevEnd = prev.outputStart + prev.frames;
            expect(prevEnd - e).toBe(tile.outputStart);
            // …and all of them lie in the part of the previous tile that is not kept.
            expect(e).toBeLessThanOrEqual(prev.frames - prev.keepFrames);
          }
        });
        expect(covered.every((c) => c === 1)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('spatial tiling plan', () => {
  it('HV example: 720×1280 (latent 90×160) → 4 rows × 7 columns (spec §4.7)', () => {
    const plan = planSpatialTiles(90, 160, HV, 8);
    expect(plan.rows).toHaveLength(4);
    expect(plan.rows[0]).toHaveLength(7);
    expect(plan.rows[0]![0]!.keepWidth).toBe(192);
    expect(plan.rows[1]![1]!).toMatchObject({ blendTop: 64, blendLeft: 64, outputY: 192, outputX: 192 });
    expect(planSpatialTiles(68, 120, HV, 8).rows.flat()).toHaveLength(15);
  });

  it('one tile when the latent fits (≤ 32×32)', () => {
    const plan = planSpatialTiles(32, 32, HV, 8);
    expect(plan.tiled).toBe(false);
    expect(plan.rows.flat()).toHaveLength(1);
  });

  it('kept regions cover every pixel exactly once and blends line up', () => {
    fc.assert(
      fc.property(tilingArb, fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), (tiling, H, W) => {
        const plan = planSpatialTiles(H, W, tiling, 8);
        expect([plan.outputHeight, plan.outputWidth]).toEqual([8 * H, 8 * W]);
        const covered = new Uint8Array(plan.outputHeight * plan.outputWidth);
        for (const row of plan.rows) {
          for (const tile of row) {
            for (let y = 0; y < tile.keepHeight; y++) {
              for (let x = 0; x < tile.keepWidth; x++) covered[(tile.outputY + y) * plan.outputWidth + tile.outputX + x]!++;
            }
            const above = plan.rows[tile.row - 1]?.[tile.col];
            if (above) expect(above.outputY + above.height - tile.blendTop).toBe(tile.outputY);
            const left = row[tile.col - 1];
            if (left) expect(left.outputX + left.width - tile.blendLeft).toBe(tile.outputX);
          }
        }
        expect(covered.every((c) => c === 1)).toBe(true);
      }),
      { numRuns: 80 },
    );
  });
});

describe('checkVaeTiling', () => {
  it('accepts HV and the small pack constants', () => {
    expect(() => checkVaeTiling(HV, 4, 8)).not.toThrow();
    expect(() => checkVaeTiling({ ...HV, tile_latent_frames: 8, tile_latent_stride_frames: 6, blend_frames: 8, tile_latent_size: 16, tile_latent_stride: 12, blend_pixels: 32 }, 4, 8)).not.toThrow();
  });

  it('rejects blends that would mix different frames or pixels, as a manifest error', () => {
    const error = (() => {
      try {
        checkVaeTiling({ ...HV, blend_frames: 12 }, 4, 8);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('pack-manifest');
    expect((error as EngineError).message).toMatch(/blend_frames \(12\) must equal 4·.* = 16/);
    expect(() => checkVaeTiling({ ...HV, blend_pixels: 32 }, 4, 8)).toThrow(/blend_pixels/);
    expect(() => checkVaeTiling({ ...HV, tile_latent_stride: 40 }, 4, 8)).toThrow(/tile_latent_stride/);
  });
});
