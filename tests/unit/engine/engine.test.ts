import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineError, type EngineEvent, type GenerationRequest, type GenerationResult } from '../../../electron/engine/api.js';
import { ropeGrid, ropeTables } from '../../../electron/engine/dit/rope.js';
import { createEngine, type EngineOptions } from '../../../electron/engine/index.js';
import type { GraphKey } from '../../../electron/engine/pack/manifest.js';
import { gaussianNoise } from '../../../electron/engine/sampler/noise.js';
import { flowMatchSchedule } from '../../../electron/engine/sampler/schedule.js';
import { toByte } from '../../../electron/engine/vae/frames.js';
import { charIds, DECODER_BIAS, DECODER_WEIGHTS, specialId, tableValue, TINY, writeTinyPack } from './fixtures/tiny-pack.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'hyvideo-engine-'));
const packDir = writeTinyPack(path.join(root, 'tiny'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function engineWith(options: Partial<EngineOptions> = {}) {
  const runs: GraphKey[] = [];
  const engine = createEngine({ packDirs: [packDir], intraOpThreads: 1, onGraphRun: (graph) => runs.push(graph), ...options });
  return { engine, runs };
}

async function generate(request: Partial<GenerationRequest>, options: Partial<EngineOptions> = {}, onEvent?: (e: EngineEvent, signal: AbortController) => void) {
  const { engine, runs } = engineWith(options);
  const events: EngineEvent[] = [];
  const controller = new AbortController();
  try {
    const result = await engine
      .generate('job-1', { prompt: 'A red fox.', seed: 7, ...request }, {
        signal: controller.signal,
        onEvent: (e) => {
          events.push(e);
          onEvent?.(e, controller);
        },
      })
      .catch((error: unknown) => error as EngineError);
    return { result, events, runs };
  } finally {
    await engine.dispose();
  }
}

/** The whole tiny pipeline recomputed in plain TypeScript from the fixture's closed-form graphs. */
function reference(prompt: string, seed: number, frames: number, width: number, height: number, steps: number, shift: number, guidance: number): Uint8Array {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const kept = [...charIds(prompt), specialId('<|eot_id|>')];
  const mText = mean(kept.flatMap((id) => Array.from({ length: TINY.textDim }, (_, d) => tableValue(id, d, 1))));
  const clipIds = [specialId('<|startoftext|>'), ...charIds(prompt, true), specialId('<|endoftext|>')];
  while (clipIds.length < 77) clipIds.push(specialId('<|endoftext|>'));
  const pooled = Array.from({ length: TINY.pooledDim }, (_, d) => mean(clipIds.map((id) => tableValue(id, d, 2))));
  const [T, H, W] = [(frames - 1) / 4 + 1, height / 8, width / 8];
  const rope = ropeTables(ropeGrid([T, H, W], [1, 2, 2]), TINY.axesDim, 256);
  const constant = mText + mean(pooled) + 1e-4 * guidance * 1000 + mean([...rope.sin]);
  const x = gaussianNoise(seed, TINY.channels * T * H * W);
  const { sigmas, timesteps } = flowMatchSchedule(steps, shift);
  for (let i = 0; i < steps; i++) {
    const dt = sigmas[i + 1]! - sigmas[i]!;
    for (let j = 0; j < x.length; j++) x[j]! += (TINY.velocityScale * x[j]! + constant + 1e-3 * timesteps[i]!) * dt;
  }
  const F = 4 * (T - 1) + 1;
  const out = new Uint8Array(F * height * width * 3);
  for (let f = 0; f < F; f++) {
    const t = Math.ceil(f / 4);
    for (let py = 0; py < height; py++) {
      for (let px = 0; px < width; px++) {
        for (let c = 0; c < 3; c++) {
          let v = DECODER_BIAS[c]!;
          for (let k = 0; k < TINY.channels; k++) v += DECODER_WEIGHTS[c * TINY.channels + k]! * (x[((k * T + t) * H + (py >> 3)) * W + (px >> 3)]! / TINY.scaling);
          out[((f * height + py) * width + px) * 3 + c] = toByte(Math.tanh(v));
        }
      }
    }
  }
  return out;
}

function maxByteDifference(a: Uint8Array, b: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('engine on the tiny pack', () => {
  it('lists the pack', async () => {
    const { engine } = engineWith();
    expect((await engine.listPacks()).map((p) => p.id)).toEqual(['tiny-test']);
    await engine.dispose();
  });

  it('produces the frames of the reference computation, with temporal and spatial tiling', async () => {
    const { result } = await generate({ width: 64, height: 64, frames: 9, steps: 3 });
    expect(result).not.toBeInstanceOf(Error);
    const r = result as GenerationResult;
    expect([r.width, r.height, r.frameCount, r.frames.length]).toEqual([64, 64, 9, 9 * 64 * 64 * 3]);
    expect(maxByteDifference(r.frames, reference('A red fox.', 7, 9, 64, 64, 3, 5, 4))).toBeLessThanOrEqual(1);
  });

  it('emits stages, one progress and one preview per step, then done, with a full record', async () => {
    const { result, events, runs } = await generate({ steps: 4 });
    const r = result as GenerationResult;
    expect(events.map((e) => (e.type === 'stage' ? e.stage : e.type))).toEqual([
      'loading', 'text', 'denoise',
      'progress', 'preview', 'progress', 'preview', 'progress', 'preview', 'progress', 'preview',
      'decode', 'done',
    ]);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.map((e) => [e.step, e.total])).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    expect(progress.at(-1)!.etaMs).toBe(0);
    progress.forEach((e, i) => i && expect(e.elapsedMs).toBeGreaterThanOrEqual(progress[i - 1]!.elapsedMs));
    const preview = events.find((e) => e.type === 'preview')!;
    expect(preview).toMatchObject({ width: 4, height: 4, frameCount: 3 });
    expect((preview as { rgb: Uint8Array }).rgb).toHaveLength(3 * 4 * 4 * 3);
    expect(runs.filter((g) => g === 'dit')).toHaveLength(4);
    expect(runs.filter((g) => g === 'text_llm')).toHaveLength(1);

    const manifestSha = createHash('sha256').update(readFileSync(path.join(packDir, 'manifest.json'))).digest('hex');
    expect(r.record).toMatchObject({
      prompt: 'A red fox.', negativePrompt: '', seed: 7, steps: 4, shift: 5, guidance: 4, cfgScale: 1, width: 32, height: 32, frames: 9, fps: 8,
      pack: { id: 'tiny-test', version: '0.0.1', sha256: manifestSha },
      provider: expect.stringMatching(/^cpu/),
      noise: { prng: 'philox4x32-10+box-muller/f32', seed: 7 },
    });
    expect(r.record.timings.totalMs).toBeGreaterThanOrEqual(r.record.timings.denoiseMs);
    expect((events.at(-1) as { result: GenerationResult }).result).toBe(r);
  });

  it('same seed → byte-identical frames; another seed → different frames', async () => {
    const a = (await generate({ seed: 11 })).result as GenerationResult;
    const b = (await generate({ seed: 11 })).result as GenerationResult;
    const c = (await generate({ seed: 12 })).result as GenerationResult;
    expect(Buffer.from(a.frames).equals(Buffer.from(b.frames))).toBe(true);
    expect(Buffer.from(a.frames).equals(Buffer.from(c.frames))).toBe(false);
  });

  it('true CFG runs the DiT twice per step with the pack negative prompt', async () => {
    const plain = (await generate({ steps: 3 })).result as GenerationResult;
    const { result, runs } = await generate({ steps: 3, cfgScale: 2.5 });
    const cfg = result as GenerationResult;
    expect(runs.filter((g) => g === 'dit')).toHaveLength(6);
    expect(runs.filter((g) => g === 'text_llm')).toHaveLength(2);
    expect(cfg.record).toMatchObject({ cfgScale: 2.5, negativePrompt: 'blurry, low quality' });
    expect(Buffer.from(cfg.frames).equals(Buffer.from(plain.frames))).toBe(false);
  });

  it('one frame is an image: a single latent frame and a single output frame', async () => {
    const r = (await generate({ frames: 1 })).result as GenerationResult;
    expect([r.frameCount, r.frames.length]).toEqual([1, 32 * 32 * 3]);
  });

  it('tiled and untiled decoding give the same frames for a pointwise decoder', async () => {
    const tiled = (await generate({ width: 64, height: 64, frames: 17 })).result as GenerationResult;
    const whole = (await generate({ width: 64, height: 64, frames: 17 }, { tiledDecode: false })).result as GenerationResult;
    expect(maxByteDifference(tiled.frames, whole.frames)).toBeLessThanOrEqual(1);
  });

  describe('cancel lands within one graph call at any stage', () => {
    it.each([
      ['before the job runs', 'loading', 0],
      ['during text encoding', 'text', 0],
      ['in the denoising loop, after step 2', 'progress-2', 2],
      ['before decoding', 'decode', 4],
    ] as const)('%s', async (_name, at, ditCalls) => {
      const { result, events, runs } = await generate({ steps: 4 }, {}, (e, controller) => {
        const tag = e.type === 'stage' ? e.stage : e.type === 'progress' ? `progress-${e.step}` : e.type;
        if (tag === at) controller.abort();
      });
      expect(result).toBeInstanceOf(EngineError);
      expect((result as EngineError).code).toBe('cancelled');
      expect(events.at(-1)).toEqual({ type: 'cancelled', jobId: 'job-1' });
      expect(runs.filter((g) => g === 'dit')).toHaveLength(ditCalls);
      if (at === 'decode') expect(runs).not.toContain('vae_decoder');
    });
  });

  it('a request the pack cannot serve fails as bad-request before any graph runs', async () => {
    const { result, events, runs } = await generate({ frames: 21 });
    expect((result as EngineError).code).toBe('bad-request');
    expect(events.at(-1)).toMatchObject({ type: 'failed', code: 'bad-request', reason: expect.stringMatching(/frames 21 is not offered/) });
    expect(runs).toEqual([]);
  });

  it('an unknown pack id fails with the packs that exist', async () => {
    const { result } = await generate({ packId: 'nope' });
    expect((result as EngineError).code).toBe('bad-request');
    expect((result as EngineError).message).toMatch(/pack "nope" not found .* \(found: tiny-test\)/);
  });

  it('runs one job at a time', async () => {
    const { engine } = engineWith();
    const order: string[] = [];
    const log = (id: string) => (e: EngineEvent) => (e.type === 'stage' || e.type === 'done') && order.push(`${id}:${e.type === 'stage' ? e.stage : 'done'}`);
    await Promise.all([
      engine.generate('a', { prompt: 'one', seed: 1, steps: 2 }, { onEvent: log('a') }),
      engine.generate('b', { prompt: 'two', seed: 2, steps: 2 }, { onEvent: log('b') }),
    ]);
    await engine.dispose();
    expect(order.indexOf('a:done')).toBeLessThan(order.indexOf('b:loading'));
  });
});
