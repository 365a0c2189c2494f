import { describe, expect, it } from 'vitest';
import { physicalCoreCount, providerCandidates, providerUnavailable, sessionOptions } from '../../../electron/engine/providers.js';

describe('providers', () => {
  it('CPU always last; CUDA on Linux and Windows, DirectML on Windows only', () => {
    expect(providerCandidates('cpu', 'linux')).toEqual(['cpu']);
    expect(providerCandidates('auto', 'linux')).toEqual(['cuda', 'cpu']);
    expect(providerCandidates('auto', 'win32')).toEqual(['cuda', 'dml', 'cpu']);
    expect(providerCandidates('auto', 'darwin')).toEqual(['cpu']);
    expect(providerCandidates('dml', 'linux')).toEqual(['cpu']);
    expect(providerCandidates('cuda', 'win32')).toEqual(['cuda', 'cpu']);
  });

  it('session options: all graph optimisations, intra-op threads as given, CPU as the fallback', () => {
    expect(sessionOptions('cuda', 4)).toMatchObject({ executionProviders: ['cuda', 'cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 4 });
    expect(sessionOptions('cpu', 2).executionProviders).toEqual(['cpu']);
  });

  it('says why a GPU provider cannot load before trying it', () => {
    expect(providerUnavailable('cpu')).toBeUndefined();
    expect(providerUnavailable('dml', 'linux', 'x64')).toBe('dml is not available on linux');
    // onnxruntime-node bundles DirectML for Windows; CUDA's provider comes from its install script (skipped offline).
    expect(providerUnavailable('dml', 'win32', 'x64')).toBeUndefined();
    expect(providerUnavailable('cuda', 'darwin', 'arm64')).toBe('cuda is not available on darwin');
  });

  it('counts at least one physical core and no more than the logical ones', async () => {
    const os = await import('node:os');
    const cores = physicalCoreCount();
    expect(cores).toBeGreaterThanOrEqual(1);
    expect(cores).toBeLessThanOrEqual(os.availableParallelism());
  });
});
