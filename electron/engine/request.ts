// "Check inputs", the pipeline's first stage: a GenerationRequest with the pack's defaults filled in, or a
// bad-request error that says which value the pack does not allow and what it does allow.

import { EngineError, type GenerationRequest } from './api.js';
import type { PackManifest } from './pack/manifest.js';
import { usesTrueCfg } from './sampler/guidance.js';

export interface GenerationSettings {
  prompt: string;
  negativePrompt: string;
  seed: number;
  width: number;
  height: number;
  frames: number;
  steps: number;
  shift: number;
  guidance: number;
  cfgScale: number;
  fps: number;
}

export const MAX_SEED = 0xffffffff;
export const MAX_STEPS = 1000;

function bad(message: string): EngineError {
  return new EngineError('bad-request', message);
}

function finite(name: string, value: number, check: (v: number) => boolean, rule: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) throw bad(`${name} must be ${rule}, got ${value}`);
  return value;
}

export function resolveRequest(request: GenerationRequest, manifest: PackManifest): GenerationSettings {
  const d = manifest.defaults;
  if (typeof request.prompt !== 'string' || request.prompt.trim() === '') throw bad('prompt is empty');
  const seed = finite('seed', request.seed, (v) => Number.isInteger(v) && v >= 0 && v <= MAX_SEED, `an integer in [0, ${MAX_SEED}]`);
  const width = request.width ?? d.width;
  const height = request.height ?? d.height;
  if (!manifest.sizes.some((s) => s.width === width && s.height === height)) {
    throw bad(`size ${width}×${height} is not offered by pack ${manifest.id} (allowed: ${manifest.sizes.map((s) => `${s.width}×${s.height}`).join(', ')})`);
  }
  const frames = request.frames ?? d.frames;
  if (!Number.isInteger(frames) || (frames - 1) % manifest.latent.temporal_ratio !== 0) {
    throw bad(`frames must be ${manifest.latent.temporal_ratio}k+1 (spec §6.2), got ${frames}`);
  }
  if (!manifest.frame_counts.includes(frames)) {
    throw bad(`frames ${frames} is not offered by pack ${manifest.id} (allowed: ${manifest.frame_counts.join(', ')})`);
  }
  const steps = finite('steps', request.steps ?? d.steps, (v) => Number.isInteger(v) && v >= 1 && v <= MAX_STEPS, `an integer in [1, ${MAX_STEPS}]`);
  const shift = finite('shift', request.shift ?? d.shift, (v) => v > 0, '> 0');
  const guidance = finite('guidance', request.guidance ?? d.guidance, (v) => v >= 0, '≥ 0');
  const cfgScale = finite('cfgScale', request.cfgScale ?? d.cfg_scale, (v) => v >= 1, '≥ 1');
  const fps = finite('fps', request.fps ?? d.fps, (v) => v > 0 && v <= 240, 'in (0, 240]');
  // HV: an empty negative prompt means the default one, and none at all when true CFG is off (spec §5.5).
  const negativePrompt = usesTrueCfg(cfgScale) ? (request.negativePrompt?.trim() || manifest.text.negative_prompt) : '';
  return { prompt: request.prompt, negativePrompt, seed, width, height, frames, steps, shift, guidance, cfgScale, fps };
}
