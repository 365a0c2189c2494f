// The HunyuanVideo text-to-video pipeline, stage by stage as in the paper's figure and diffusers'
// HunyuanVideoPipeline.__call__: check the request → encode the prompt (and the negative one for true CFG) →
// prepare noise latents → schedule → denoising loop (DiT + Euler) → VAE decode → frames. Graph calls go through the
// pack's sessions; everything between them (templates, schedule, RoPE, guidance, tiling) is plain TypeScript.

import { EngineError, type EngineEvent, type GenerationRecord, type GenerationRequest, type GenerationResult, type JobStage } from './api.js';
import { throwIfCancelled } from './cancel.js';
import { ropeGrid, ropeTables } from './dit/rope.js';
import { textFeeds, Transformer, type LatentShape } from './dit/transformer.js';
import { packFilePath, type Pack } from './pack/load.js';
import { PackSessions, type SessionOptions } from './pack/sessions.js';
import { latentPreview } from './preview.js';
import { resolveRequest, type GenerationSettings } from './request.js';
import { eulerStep } from './sampler/euler.js';
import { combineTrueCfg, embeddedGuidanceInput, usesTrueCfg } from './sampler/guidance.js';
import { fillGaussianNoise, NOISE_PRNG } from './sampler/noise.js';
import { flowMatchSchedule } from './sampler/schedule.js';
import { PromptEncoder, type TextConditioning } from './text/encode.js';
import { PromptTokenizers } from './text/tokenize.js';
import { decodeLatents, type DecodedVideo } from './vae/decode.js';
import { videoToFrames } from './vae/frames.js';

export interface PipelineJob {
  jobId: string;
  onEvent: (event: EngineEvent) => void;
  signal?: AbortSignal;
  /** performance.now() when the job started running (not when it was queued): elapsed and ETA count from here. */
  startedAt?: number;
  /** Initial latents to use instead of the seeded PRNG's (parity tests replay the exporter's torch noise). */
  noise?: Float32Array;
  /** Sees the latents after the last Euler step, before decoding (parity tests compare them). */
  onDenoised?: (latents: Float32Array, shape: LatentShape) => void;
}

export interface PipelineOptions {
  /** Tiled VAE decoding (the default, as in HV); off only to compare against one-call decoding. */
  tiledDecode?: boolean;
}

/** The graphs one text-to-video job runs (the VAE encoder is not among them). */
export const PIPELINE_GRAPHS = ['text_llm', 'text_clip', 'dit', 'vae_decoder'] as const;

export class HunyuanVideoPipeline {
  constructor(
    readonly pack: Pack,
    readonly sessions: PackSessions,
    private readonly tokenizers: PromptTokenizers,
    private readonly options: PipelineOptions = {},
  ) {}

  /** Opens every graph a job needs up front, so load errors and load time belong to loading, not to a stage. */
  static async load(pack: Pack, options: SessionOptions & PipelineOptions = {}): Promise<HunyuanVideoPipeline> {
    const sessions = new PackSessions(pack, options);
    try {
      for (const key of PIPELINE_GRAPHS) await sessions.graph(key);
      const tokenizers = await PromptTokenizers.load(packFilePath(pack, 'tokenizer_llm'), packFilePath(pack, 'tokenizer_clip'), pack.manifest.text);
      return new HunyuanVideoPipeline(pack, sessions, tokenizers, options);
    } catch (error) {
      await sessions.dispose();
      throw error;
    }
  }

  dispose(): Promise<void> {
    return this.sessions.dispose();
  }

  private get manifest() {
    return this.pack.manifest;
  }

  async generate(request: GenerationRequest, job: PipelineJob): Promise<GenerationResult> {
    const startedAt = job.startedAt ?? performance.now();
    const stage = (s: JobStage) => job.onEvent({ type: 'stage', jobId: job.jobId, stage: s });
    const settings = resolveRequest(request, this.manifest);

    stage('text');
    const textStart = performance.now();
    const { cond, uncond } = await this.encodePrompts(settings, job.signal);
    const textMs = performance.now() - textStart;

    stage('denoise');
    const denoiseStart = performance.now();
    const shape = this.latentShape(settings);
    const latents = job.noise ? this.checkedNoise(job.noise, shape) : this.prepareLatents(shape, settings.seed);
    const { sigmas, timesteps } = flowMatchSchedule(settings.steps, settings.shift);
    await this.denoise(latents, shape, sigmas, timesteps, cond, uncond, settings, job, startedAt);
    const denoiseMs = performance.now() - denoiseStart;
    job.onDenoised?.(latents, shape);

    stage('decode');
    const decodeStart = performance.now();
    const frames = await this.decode(latents, shape, job.signal);
    const decodeMs = performance.now() - decodeStart;

    const record = this.record(request, settings, { textMs, denoiseMs, decodeMs, totalMs: performance.now() - startedAt });
    return { frames, width: settings.width, height: settings.height, frameCount: settings.frames, record };
  }

  /** Prompt (and, for true CFG, negative prompt) → LLM states + CLIP pooled (spec §2). */
  private async encodePrompts(settings: GenerationSettings, signal?: AbortSignal) {
    const cond = await this.encodePrompt(settings.prompt, settings.frames, signal);
    const uncond = usesTrueCfg(settings.cfgScale) ? await this.encodePrompt(settings.negativePrompt, settings.frames, signal) : null;
    return { cond, uncond };
  }

  async encodePrompt(prompt: string, frames: number, signal?: AbortSignal): Promise<TextConditioning> {
    const { text_states_dim: text, text_states_dim_2: pooled } = this.manifest.architecture.dit;
    const encoder = new PromptEncoder(this.tokenizers, await this.sessions.graph('text_llm'), await this.sessions.graph('text_clip'), { text, pooled });
    return encoder.encode(prompt, frames, signal);
  }

  get promptTokenizers(): PromptTokenizers {
    return this.tokenizers;
  }

  /** [C, (F−1)/4 + 1, H/8, W/8] (spec §4.1). */
  latentShape(settings: Pick<GenerationSettings, 'frames' | 'width' | 'height'>): LatentShape {
    const { channels, temporal_ratio: rt, spatial_ratio: rs } = this.manifest.latent;
    return [channels, (settings.frames - 1) / rt + 1, settings.height / rs, settings.width / rs];
  }

  private checkedNoise(noise: Float32Array, shape: LatentShape): Float32Array {
    const size = shape[0] * shape[1] * shape[2] * shape[3];
    if (noise.length !== size) throw new EngineError('bad-request', `noise holds ${noise.length} values, the latents ${shape.join('×')} need ${size}`);
    return noise.slice();
  }

  /** Pure noise at σ = 1; flow matching needs no init_noise_sigma scaling (spec §5.2). */
  private prepareLatents(shape: LatentShape, seed: number): Float32Array {
    return fillGaussianNoise(seed, new Float32Array(shape[0] * shape[1] * shape[2] * shape[3]));
  }

  private async denoise(
    latents: Float32Array,
    shape: LatentShape,
    sigmas: Float32Array,
    timesteps: Float32Array,
    cond: TextConditioning,
    uncond: TextConditioning | null,
    settings: GenerationSettings,
    job: PipelineJob,
    startedAt: number,
  ): Promise<void> {
    const dit = this.manifest.architecture.dit;
    const rope = ropeTables(ropeGrid([shape[1], shape[2], shape[3]], dit.patch_size), this.manifest.rope.axes_dim, this.manifest.rope.theta);
    const guidance = dit.guidance_embed ? embeddedGuidanceInput(settings.guidance) : null;
    const transformer = new Transformer(await this.sessions.graph('dit'), latents, shape, rope, guidance);
    const condFeeds = textFeeds(cond);
    const uncondFeeds = uncond ? textFeeds(uncond) : null;
    const velocity = new Float32Array(latents.length);
    const velocityCond = uncondFeeds ? new Float32Array(latents.length) : null;

    const total = timesteps.length;
    const loopStart = performance.now();
    for (let i = 0; i < total; i++) {
      throwIfCancelled(job.signal);
      const t = timesteps[i]!;
      if (uncondFeeds && velocityCond) {
        await transformer.velocity(t, uncondFeeds, velocity);
        throwIfCancelled(job.signal);
        await transformer.velocity(t, condFeeds, velocityCond);
        combineTrueCfg(velocity, velocityCond, settings.cfgScale);
      } else {
        await transformer.velocity(t, condFeeds, velocity);
      }
      eulerStep(latents, velocity, sigmas[i]!, sigmas[i + 1]!);

      const now = performance.now();
      const perStep = (now - loopStart) / (i + 1);
      job.onEvent({ type: 'progress', jobId: job.jobId, step: i + 1, total, elapsedMs: now - startedAt, etaMs: perStep * (total - i - 1) });
      const preview = latentPreview(latents, shape, this.manifest.preview);
      job.onEvent({ type: 'preview', jobId: job.jobId, step: i + 1, width: preview.width, height: preview.height, frameCount: preview.frames, rgb: preview.rgb });
    }
  }

  /** latents / scaling_factor → tiled VAE decode → uint8 frames (spec §4.6, §4.7, §1). */
  private async decode(latents: Float32Array, shape: LatentShape, signal?: AbortSignal): Promise<Uint8Array> {
    return videoToFrames(await this.decodeVideo(latents, shape, { tiled: this.options.tiledDecode ?? true, signal }));
  }

  /** The decoded video before quantisation, [3, F, H, W] (the tiled-vs-untiled tests compare it). */
  async decodeVideo(latents: Float32Array, shape: LatentShape, options: { tiled: boolean; signal?: AbortSignal }): Promise<DecodedVideo> {
    const { latent, vae_tiling: tiling } = this.manifest;
    return decodeLatents(await this.sessions.graph('vae_decoder'), latents, shape, {
      tiling,
      temporalRatio: latent.temporal_ratio,
      spatialRatio: latent.spatial_ratio,
      scalingFactor: latent.scaling_factor,
      ...options,
    });
  }

  private record(request: GenerationRequest, s: GenerationSettings, timings: GenerationRecord['timings']): GenerationRecord {
    return {
      prompt: s.prompt,
      negativePrompt: s.negativePrompt,
      ...(request.caption ? { caption: request.caption } : {}),
      seed: s.seed,
      steps: s.steps,
      shift: s.shift,
      guidance: s.guidance,
      cfgScale: s.cfgScale,
      width: s.width,
      height: s.height,
      frames: s.frames,
      fps: s.fps,
      pack: { id: this.manifest.id, version: this.manifest.version, sha256: this.pack.manifestSha256 },
      provider: this.sessions.providerLabel,
      timings: {
        textMs: Math.round(timings.textMs),
        denoiseMs: Math.round(timings.denoiseMs),
        decodeMs: Math.round(timings.decodeMs),
        totalMs: Math.round(timings.totalMs),
      },
      noise: { prng: NOISE_PRNG, seed: s.seed },
    };
  }
}
