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
import { sampleEuler, type VelocityModel } from './sampler/euler.js';
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

/** Milliseconds since the previous lap (or creation). */
function stopwatch(): { lap(): number } {
  let last = performance.now();
  return {
    lap() {
      const now = performance.now();
      const ms = now - last;
      last = now;
      return ms;
    },
  };
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
    const timer = stopwatch();

    // 1. Check the request against what the pack offers; fill in its defaults.
    const settings = resolveRequest(request, this.manifest);

    // 2. Encode the prompt (and the negative prompt when true CFG is on).
    stage('text');
    const { cond, uncond } = await this.encodePrompts(settings, job.signal);
    const textMs = timer.lap();

    // 3. Prepare the latents (noise at σ = 1) and 4. the sigma schedule.
    stage('denoise');
    const shape = this.latentShape(settings);
    const latents = job.noise ? this.checkedNoise(job.noise, shape) : this.prepareLatents(shape, settings.seed);
    const schedule = flowMatchSchedule(settings.steps, settings.shift);

    // 5. The denoising loop: DiT velocity, Euler step, progress and preview.
    const model = await this.velocityModel(latents, shape, settings, cond, uncond, job.signal);
    const total = schedule.timesteps.length;
    const loopStart = performance.now();
    await sampleEuler(model, latents, schedule, (i) => {
      const now = performance.now();
      const etaMs = ((now - loopStart) / (i + 1)) * (total - i - 1);
      job.onEvent({ type: 'progress', jobId: job.jobId, step: i + 1, total, elapsedMs: now - startedAt, etaMs });
      const preview = latentPreview(latents, shape, this.manifest.preview);
      job.onEvent({ type: 'preview', jobId: job.jobId, step: i + 1, width: preview.width, height: preview.height, frameCount: preview.frames, rgb: preview.rgb });
    });
    const denoiseMs = timer.lap();
    job.onDenoised?.(latents, shape);

    // 6. Decode the latents to frames.
    stage('decode');
    const frames = await this.decode(latents, shape, job.signal);
    const decodeMs = timer.lap();

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

  /**
   * The DiT as the sampler's velocity model: RoPE tables and embedded guidance fixed for the job, true CFG as two
   * batch-1 calls combined (spec §5.5). The job's signal is checked before every graph call.
   */
  private async velocityModel(
    latents: Float32Array,
    shape: LatentShape,
    settings: GenerationSettings,
    cond: TextConditioning,
    uncond: TextConditioning | null,
    signal?: AbortSignal,
  ): Promise<VelocityModel> {
    const dit = this.manifest.architecture.dit;
    const rope = ropeTables(ropeGrid([shape[1], shape[2], shape[3]], dit.patch_size), this.manifest.rope.axes_dim, this.manifest.rope.theta);
    const guidance = dit.guidance_embed ? embeddedGuidanceInput(settings.guidance) : null;
    const transformer = new Transformer(await this.sessions.graph('dit'), latents, shape, rope, guidance);
    const condFeeds = textFeeds(cond);
    const velocity = new Float32Array(latents.length);
    if (!uncond) {
      return async (_latents, t) => {
        throwIfCancelled(signal);
        return transformer.velocity(t, condFeeds, velocity);
      };
    }
    const uncondFeeds = textFeeds(uncond);
    const condVelocity = new Float32Array(latents.length);
    return async (_latents, t) => {
      throwIfCancelled(signal);
      await transformer.velocity(t, uncondFeeds, velocity);
      throwIfCancelled(signal);
      await transformer.velocity(t, condFeeds, condVelocity);
      return combineTrueCfg(velocity, condVelocity, settings.cfgScale);
    };
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
