// Messages between the host (main process, web-mode server, CLI) and the engine process. Structured-clone data:
// child_process.fork runs with `serialization: 'advanced'` and Electron's utilityProcess clones natively, so
// Uint8Array preview frames pass without copying into JSON.
import type { ProviderPreference } from '../engine/providers.js';
import type { EngineErrorCode, EngineEvent, GenerationRecord, GenerationRequest, PackSummary } from '../engine/api.js';

export interface EngineProcessConfig {
  packDirs: string[];
  /** 'auto' tries CUDA / DirectML before the CPU; the engine's default is the CPU. */
  provider?: ProviderPreference;
}

export type HostToEngine =
  | { type: 'init'; config: EngineProcessConfig }
  | { type: 'list-packs'; requestId: number }
  | { type: 'generate'; jobId: string; request: GenerationRequest; outputFile: string }
  | { type: 'cancel'; jobId: string }
  | { type: 'shutdown' };

/** Engine events as they cross the process boundary: everything but `done`, whose frames stay in the engine
 *  process (it encodes them to the MP4 itself) and which is replaced by `job-done`. */
export type ForwardedEngineEvent = Exclude<EngineEvent, { type: 'done' }>;

export type EngineToHost =
  | { type: 'ready' }
  | { type: 'init-failed'; reason: string }
  | { type: 'packs'; requestId: number; packs?: PackSummary[]; error?: string }
  | { type: 'event'; event: ForwardedEngineEvent }
  | { type: 'job-done'; jobId: string; file: string; record: GenerationRecord }
  | { type: 'job-failed'; jobId: string; code: EngineErrorCode; reason: string };
