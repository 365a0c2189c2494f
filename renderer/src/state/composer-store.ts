// The shot being composed: caption fields, camera move, seed and settings. Numbers left null take the pack's
// defaults, so switching packs never leaves an impossible setting behind.
import { create } from 'zustand';
import type { CameraMoveId, GenerationRecord, GenerationRequest } from '../../../electron/engine/api.js';
import type { PackSummaryWire } from '../../../electron/shared/ipc/contract.js';
import { composeCaption } from '../composer/caption.js';

export interface ComposerState {
  fields: Record<string, string>;
  camera: CameraMoveId | null;
  seed: number;
  packId: string | null;
  size: string | null; // "WxH"
  frames: number | null;
  steps: number | null;
  guidance: number | null;
  shift: number | null;
  cfgScale: number | null;
  negativePrompt: string;
}

export function randomSeed(): number {
  const buf = new Uint32Array(1);
  crypto.getRandomValues(buf);
  return buf[0]!;
}

export const useComposer = create<ComposerState>(() => ({
  fields: { short: '' },
  camera: null,
  seed: randomSeed(),
  packId: null,
  size: null,
  frames: null,
  steps: null,
  guidance: null,
  shift: null,
  cfgScale: null,
  negativePrompt: '',
}));

/** The settings as they will be used: the composer's choices over the pack's defaults. */
export function effectiveSettings(state: ComposerState, pack: PackSummaryWire | undefined) {
  const d = pack?.defaults;
  const [w, h] = (state.size ?? (d ? `${d.width}x${d.height}` : '')).split('x').map(Number);
  return {
    width: w || d?.width,
    height: h || d?.height,
    frames: state.frames ?? d?.frames,
    steps: state.steps ?? d?.steps,
    guidance: state.guidance ?? d?.guidance,
    shift: state.shift ?? d?.shift,
    cfgScale: state.cfgScale ?? d?.cfgScale,
    fps: d?.fps,
  };
}

export function buildRequest(state: ComposerState, pack: PackSummaryWire | undefined): GenerationRequest {
  const s = effectiveSettings(state, pack);
  const fields = Object.fromEntries(Object.entries(state.fields).filter(([, v]) => v.trim() !== ''));
  const request: GenerationRequest = {
    prompt: composeCaption(fields, state.camera ?? undefined),
    seed: state.seed,
    caption: state.camera ? { fields, camera: state.camera } : { fields },
  };
  if (pack) request.packId = pack.id;
  for (const key of ['width', 'height', 'frames', 'steps', 'guidance', 'shift', 'cfgScale', 'fps'] as const) {
    const value = s[key];
    if (value !== undefined) request[key] = value;
  }
  if ((s.cfgScale ?? 1) > 1 && state.negativePrompt.trim()) request.negativePrompt = state.negativePrompt;
  return request;
}

/** Puts a finished clip's settings back into the composer (a dropped MP4, or "reuse" on a take). */
export function restoreFromRecord(record: GenerationRecord | GenerationRequest & { caption?: GenerationRecord['caption'] }): void {
  const fields = record.caption?.fields ?? { short: record.prompt };
  useComposer.setState({
    fields: { short: '', ...fields },
    camera: record.caption?.camera ?? null,
    seed: record.seed,
    size: record.width && record.height ? `${record.width}x${record.height}` : null,
    frames: record.frames ?? null,
    steps: record.steps ?? null,
    guidance: record.guidance ?? null,
    shift: record.shift ?? null,
    cfgScale: record.cfgScale ?? null,
    negativePrompt: record.negativePrompt ?? '',
  });
}
