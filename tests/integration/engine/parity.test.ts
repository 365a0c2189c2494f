// Parity with the PyTorch reference through the exporter's test vectors (native-models/testvectors/README.md):
// tokenization, text states, RoPE tables, one DiT call, one VAE decode and a full sampling run from saved noise.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ropeGrid, ropeTables } from '../../../electron/engine/dit/rope.js';
import type { LatentShape } from '../../../electron/engine/dit/transformer.js';
import { readPack } from '../../../electron/engine/pack/load.js';
import { HunyuanVideoPipeline } from '../../../electron/engine/pipeline.js';
import { readSafetensors, type Safetensor } from '../../../electron/engine/tensor/safetensors.js';
import { byteDifferences, PACK_DIR, packExists, relativeError, vectorsExist, VECTORS_DIR } from './helpers.js';

interface Vectors {
  prompt: string;
  sampling: { steps: number; shift: number; guidance: number; frames: number; width: number; height: number };
  dit_call: { timestep: number; guidance: number };
  tokenizer_cases: Array<{ prompt: string; image: boolean; llm_ids: number[]; crop_start: number; clip_ids: number[] }>;
}

const TOLERANCE = 1e-3;

describe.skipIf(!packExists || !vectorsExist)('parity with the PyTorch reference (test vectors)', () => {
  let pipeline: HunyuanVideoPipeline;
  let vectors: Vectors;
  const tensors = (file: string) => readSafetensors(path.join(VECTORS_DIR, file));
  const float = (t: Safetensor | undefined) => t!.data as Float32Array;

  beforeAll(async () => {
    vectors = JSON.parse(readFileSync(path.join(VECTORS_DIR, 'vectors.json'), 'utf8')) as Vectors;
    pipeline = await HunyuanVideoPipeline.load(await readPack(PACK_DIR), { intraOpThreads: 2 });
  });
  afterAll(() => pipeline?.dispose());

  it('tokenizes every case exactly: LLM ids (BOS, template), crop_start, CLIP ids', () => {
    expect(vectors.tokenizer_cases.length).toBeGreaterThan(0);
    for (const c of vectors.tokenizer_cases) {
      const llm = pipeline.promptTokenizers.llmTokens(c.prompt, c.image ? 1 : 17);
      expect([...llm.ids].map(Number), JSON.stringify(c.prompt)).toEqual(c.llm_ids);
      expect(llm.cropStart).toBe(c.crop_start);
      expect([...pipeline.promptTokenizers.clipTokens(c.prompt)].map(Number), JSON.stringify(c.prompt)).toEqual(c.clip_ids);
    }
  });

  it(`text states and pooled vector within ${TOLERANCE} relative error`, async () => {
    const text = await tensors('text.safetensors');
    const cond = await pipeline.encodePrompt(vectors.prompt, vectors.sampling.frames);
    expect([cond.tokens, cond.dim]).toEqual(text.get('text_states')!.shape);
    expect(relativeError(cond.states, float(text.get('text_states')))).toBeLessThan(TOLERANCE);
    expect(relativeError(cond.pooled, float(text.get('pooled')))).toBeLessThan(TOLERANCE);
  });

  it(`RoPE tables and one DiT call within ${TOLERANCE} relative error`, async () => {
    const call = await tensors('dit_call.safetensors');
    const [, , T, H, W] = call.get('latents')!.shape as [number, number, number, number, number];
    const { manifest } = pipeline.pack;
    const rope = ropeTables(ropeGrid([T, H, W], manifest.architecture.dit.patch_size), manifest.rope.axes_dim, manifest.rope.theta);
    expect(relativeError(rope.cos, float(call.get('freqs_cos')))).toBeLessThan(1e-6);
    expect(relativeError(rope.sin, float(call.get('freqs_sin')))).toBeLessThan(1e-6);
    expect(float(call.get('guidance'))[0]).toBe(vectors.dit_call.guidance * 1000);

    const feeds: Record<string, Tensor> = {};
    for (const [name, t] of call) if (name !== 'velocity') feeds[name] = new Tensor('float32', float(t), t.shape);
    feeds.freqs_cos = new Tensor('float32', rope.cos, [rope.tokens, rope.headDim]);
    feeds.freqs_sin = new Tensor('float32', rope.sin, [rope.tokens, rope.headDim]);
    const dit = await pipeline.sessions.graph('dit');
    const out = await dit.run(feeds);
    expect(relativeError(out.velocity!.data as Float32Array, float(call.get('velocity')))).toBeLessThan(TOLERANCE);
  });

  it(`one untiled VAE decode within ${TOLERANCE} relative error`, async () => {
    const decode = await tensors('vae_decode.safetensors');
    const vae = await pipeline.sessions.graph('vae_decoder');
    const latents = decode.get('latents')!;
    const out = await vae.run({ latents: new Tensor('float32', float(latents), latents.shape) });
    expect(out.video!.dims).toEqual(decode.get('video')!.shape);
    expect(relativeError(out.video!.data as Float32Array, float(decode.get('video')))).toBeLessThan(TOLERANCE);
  });

  it('a full sampling run from the saved noise: final latents and frames', async () => {
    const sampling = await tensors('sampling.safetensors');
    const { steps, shift, guidance, frames, width, height } = vectors.sampling;
    let denoised: Float32Array | undefined;
    const result = await pipeline.generate(
      { prompt: vectors.prompt, seed: 0, steps, shift, guidance, frames, width, height },
      { jobId: 'parity', onEvent: () => undefined, noise: float(sampling.get('noise')), onDenoised: (latents: Float32Array, _shape: LatentShape) => (denoised = latents.slice()) },
    );
    expect(relativeError(denoised!, float(sampling.get('latents')))).toBeLessThan(TOLERANCE);
    const expected = sampling.get('frames')!.data as Uint8Array;
    expect(result.frames.length).toBe(expected.length);
    // Truncation to uint8 turns last-ulp differences at a level boundary into one level, rarely.
    const { max, differing } = byteDifferences(result.frames, expected);
    expect(max).toBeLessThanOrEqual(1);
    expect(differing / expected.length).toBeLessThan(0.01);
  });
});
