// The engine's public surface: what the CLI, the engine process host and the tests call. Plain TypeScript data,
// no Electron or React types, so the same request travels over IPC, a WebSocket or a child-process channel.

export type CameraMoveId =
  | 'static' | 'handheld' | 'zoom-in' | 'zoom-out'
  | 'pan-left' | 'pan-right' | 'pan-up' | 'pan-down'
  | 'tilt-left' | 'tilt-right' | 'tilt-up' | 'tilt-down'
  | 'around-left' | 'around-right';

/** One generation, as the user asked for it. Unset numbers take the pack's defaults. */
export interface GenerationRequest {
  prompt: string;
  negativePrompt?: string;
  packId?: string;
  seed: number;
  width?: number;
  height?: number;
  frames?: number;
  steps?: number;
  shift?: number;
  /** Embedded (distilled) guidance scale; fed to the DiT as scale x 1000. */
  guidance?: number;
  /** True classifier-free guidance with the negative prompt when > 1 (two DiT calls per step). */
  cfgScale?: number;
  fps?: number;
  /** Caption fields and camera move the prompt was built from, kept in the record. */
  caption?: { fields: Record<string, string>; camera?: CameraMoveId };
}

/** Everything needed to reproduce a clip, stored with it (MP4 metadata, sidecar, project). */
export interface GenerationRecord {
  prompt: string;
  negativePrompt: string;
  caption?: GenerationRequest['caption'];
  seed: number;
  steps: number;
  shift: number;
  guidance: number;
  cfgScale: number;
  width: number;
  height: number;
  frames: number;
  fps: number;
  pack: { id: string; version: string; sha256: string };
  provider: string;
  timings: { textMs: number; denoiseMs: number; decodeMs: number; totalMs: number };
  noise: { prng: string; seed: number };
}

export interface GenerationResult {
  /** frames x height x width x 3, RGB, row-major. */
  frames: Uint8Array;
  width: number;
  height: number;
  frameCount: number;
  record: GenerationRecord;
}

export type JobStage = 'loading' | 'text' | 'denoise' | 'decode' | 'encode';

export type EngineEvent =
  | { type: 'stage'; jobId: string; stage: JobStage }
  | { type: 'progress'; jobId: string; step: number; total: number; elapsedMs: number; etaMs: number }
  | { type: 'preview'; jobId: string; step: number; width: number; height: number; frameCount: number; rgb: Uint8Array }
  | { type: 'done'; jobId: string; result: GenerationResult }
  | { type: 'failed'; jobId: string; reason: string; code: EngineErrorCode }
  | { type: 'cancelled'; jobId: string };

export type EngineErrorCode =
  | 'pack-missing-file' | 'pack-checksum' | 'pack-manifest' | 'pack-graph' | 'pack-version'
  | 'bad-request' | 'provider' | 'out-of-memory' | 'engine-crashed' | 'cancelled' | 'disk-full' | 'internal';

export class EngineError extends Error {
  constructor(readonly code: EngineErrorCode, message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

export interface PackSummary {
  id: string;
  name: string;
  version: string;
  dir: string;
  defaults: { width: number; height: number; frames: number; steps: number; shift: number; guidance: number; fps: number; cfgScale: number };
  sizes: Array<{ width: number; height: number }>;
  frameCounts: number[];
  guidanceEmbed: boolean;
}

export interface JobHandlers {
  onEvent: (event: EngineEvent) => void;
  signal?: AbortSignal;
}

/** What the engine process hosts. One job runs at a time; cancel is through the AbortSignal. */
export interface Engine {
  listPacks(): Promise<PackSummary[]>;
  generate(jobId: string, request: GenerationRequest, handlers: JobHandlers): Promise<GenerationResult>;
  dispose(): Promise<void>;
}
