// createEngine: the Engine of api.ts over onnxruntime-node. It finds packs, verifies and loads the one a job asks
// for (keeping its sessions for the next job), runs one job at a time, and turns every outcome into events.
// Plain Node: no Electron or React import, so the CLI, the tests and the engine process host share it.

import path from 'node:path';
import {
  EngineError,
  type Engine,
  type GenerationRequest,
  type GenerationResult,
  type JobHandlers,
  type PackSummary,
} from './api.js';
import { throwIfCancelled } from './cancel.js';
import { DigestCache, findPacks, summarizePack, verifyPackFiles, type Pack } from './pack/load.js';
import type { GraphRunHook } from './pack/sessions.js';
import { HunyuanVideoPipeline } from './pipeline.js';
import { resolveRequest } from './request.js';
import type { ProviderPreference } from './providers.js';

export type { Engine } from './api.js';
export type { ProviderPreference } from './providers.js';

export interface EngineOptions {
  /** Pack folders, or folders of packs, searched in order (bundled first, then the user's). */
  packDirs: string[];
  /** Execution provider. Default 'auto': CUDA (Linux, Windows) or DirectML (Windows) when installed, else CPU. */
  provider?: ProviderPreference;
  /** onnxruntime intra-op threads; default: the physical core count. */
  intraOpThreads?: number;
  /** Called after every session.run with its duration: the bench separates graph time from engine overhead. */
  onGraphRun?: GraphRunHook;
  /** Tiled VAE decoding (default true, as HV). */
  tiledDecode?: boolean;
}

interface LoadedPack {
  pack: Pack;
  pipeline: HunyuanVideoPipeline;
}

class OnnxEngine implements Engine {
  private loaded: LoadedPack | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly digests = new DigestCache();
  private disposed = false;

  constructor(private readonly options: EngineOptions) {}

  async listPacks(): Promise<PackSummary[]> {
    const { packs } = await findPacks(this.options.packDirs);
    return packs.map(summarizePack);
  }

  generate(jobId: string, request: GenerationRequest, handlers: JobHandlers): Promise<GenerationResult> {
    // One job at a time: a second call waits for the first (its own cancel still works while it waits).
    const run = this.queue.then(() => this.runJob(jobId, request, handlers));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runJob(jobId: string, request: GenerationRequest, { onEvent, signal }: JobHandlers): Promise<GenerationResult> {
    const startedAt = performance.now();
    try {
      if (this.disposed) throw new EngineError('internal', 'the engine was disposed');
      throwIfCancelled(signal);
      onEvent({ type: 'stage', jobId, stage: 'loading' });
      const { pipeline } = await this.load(request);
      const result = await pipeline.generate(request, { jobId, onEvent, signal, startedAt });
      onEvent({ type: 'done', jobId, result });
      return result;
    } catch (error) {
      const failure = error instanceof EngineError ? error : new EngineError('internal', error instanceof Error ? error.message : String(error));
      if (failure.code === 'cancelled') onEvent({ type: 'cancelled', jobId });
      else onEvent({ type: 'failed', jobId, reason: failure.message, code: failure.code });
      throw failure;
    }
  }

  /** The requested pack (or the first one found), verified and with its sessions and tokenizers ready. */
  private async load(request: GenerationRequest): Promise<LoadedPack> {
    const { packId } = request;
    const { packs, problems } = await findPacks(this.options.packDirs);
    const pack = packId === undefined ? packs[0] : packs.find((p) => p.manifest.id === packId);
    if (!pack) {
      const broken = problems.find((p) => packId === undefined || path.basename(p.dir) === packId);
      if (broken) throw broken.error;
      const where = this.options.packDirs.join(', ');
      throw new EngineError('bad-request', packId === undefined ? `no model pack found in ${where}` : `pack "${packId}" not found in ${where} (found: ${packs.map((p) => p.manifest.id).join(', ') || 'none'})`);
    }
    // A request the pack cannot serve fails before any file is hashed or graph loaded.
    resolveRequest(request, pack.manifest);
    await verifyPackFiles(pack, this.digests);
    if (this.loaded && this.loaded.pack.dir === pack.dir && this.loaded.pack.manifestSha256 === pack.manifestSha256) return this.loaded;

    await this.loaded?.pipeline.dispose();
    this.loaded = undefined;
    const pipeline = await HunyuanVideoPipeline.load(pack, {
      provider: this.options.provider ?? 'auto',
      intraOpThreads: this.options.intraOpThreads,
      onGraphRun: this.options.onGraphRun,
      tiledDecode: this.options.tiledDecode,
    });
    this.loaded = { pack, pipeline };
    return this.loaded;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.queue;
    await this.loaded?.pipeline.dispose();
    this.loaded = undefined;
  }
}

export function createEngine(options: EngineOptions): Engine {
  return new OnnxEngine(options);
}
