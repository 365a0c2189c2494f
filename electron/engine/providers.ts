// Execution providers for onnxruntime-node. CPU is always there; CUDA (Linux, Windows) and DirectML (Windows) are
// tried when asked for or on "auto", and a failure falls back to CPU with the reason kept, so the record of every
// clip says what actually ran it.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';

export type ProviderPreference = 'auto' | 'cpu' | 'cuda' | 'dml';
export type ExecutionProvider = 'cpu' | 'cuda' | 'dml';

/** Providers to try, best first; CPU is always last. */
export function providerCandidates(preference: ProviderPreference, platform: NodeJS.Platform = process.platform): ExecutionProvider[] {
  const gpu: ExecutionProvider[] = [];
  const wantCuda = preference === 'cuda' || preference === 'auto';
  const wantDml = preference === 'dml' || preference === 'auto';
  if (wantCuda && (platform === 'linux' || platform === 'win32')) gpu.push('cuda');
  if (wantDml && platform === 'win32') gpu.push('dml');
  return [...gpu, 'cpu'];
}

/**
 * Physical cores: intra-op threads beyond them only fight over the same ALUs (SMT siblings share them), and the
 * engine shares the machine with the UI. Linux counts distinct (package, core) pairs in /proc/cpuinfo; elsewhere SMT
 * is assumed on x64 Windows with 4+ logical CPUs, and none on macOS (Apple silicon has none).
 */
export function physicalCoreCount(): number {
  const logical = os.availableParallelism();
  if (process.platform === 'linux') {
    try {
      const cores = new Set<string>();
      let physical = '0';
      for (const line of readFileSync('/proc/cpuinfo', 'utf8').split('\n')) {
        const [key, value] = line.split(':').map((s) => s.trim());
        if (key === 'physical id') physical = value ?? '0';
        else if (key === 'core id') cores.add(`${physical}:${value}`);
      }
      if (cores.size > 0) return Math.min(cores.size, logical);
    } catch {
      // /proc is not mounted (some containers): fall through.
    }
    return logical;
  }
  if (process.platform === 'win32' && logical >= 4) return Math.max(1, Math.floor(logical / 2));
  return logical;
}

/** Shared libraries a GPU provider needs next to onnxruntime-node's binding (its install script fetches CUDA's). */
const PROVIDER_LIBRARIES: Record<Exclude<ExecutionProvider, 'cpu'>, Partial<Record<NodeJS.Platform, string>>> = {
  cuda: { linux: 'libonnxruntime_providers_cuda.so', win32: 'onnxruntime_providers_cuda.dll' },
  dml: { win32: 'DirectML.dll' },
};

/**
 * Why a GPU provider cannot work in this install, or undefined when it may. Checking the library first spares a
 * doomed session attempt, which onnxruntime reports with a red error on the console before the engine falls back.
 */
export function providerUnavailable(provider: ExecutionProvider, platform: NodeJS.Platform = process.platform, arch: string = process.arch): string | undefined {
  if (provider === 'cpu') return undefined;
  const library = PROVIDER_LIBRARIES[provider][platform];
  if (!library) return `${provider} is not available on ${platform}`;
  let bindingDir: string;
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    bindingDir = path.join(path.dirname(entry), '..', 'bin', 'napi-v6', platform, arch);
  } catch {
    return undefined;
  }
  return existsSync(path.join(bindingDir, library)) ? undefined : `onnxruntime-node was installed without ${library}`;
}

export function sessionOptions(provider: ExecutionProvider, intraOpThreads: number): InferenceSession.SessionOptions {
  const executionProviders: InferenceSession.SessionOptions['executionProviders'] =
    provider === 'cpu' ? ['cpu'] : [provider, 'cpu'];
  return {
    executionProviders,
    graphOptimizationLevel: 'all',
    intraOpNumThreads: intraOpThreads,
    // One graph runs at a time (steps are sequential), so inter-op parallelism only adds threads.
    interOpNumThreads: 1,
    executionMode: 'sequential',
  };
}
