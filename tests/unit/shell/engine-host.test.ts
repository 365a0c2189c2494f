import { describe, expect, it } from 'vitest';
import { describeExit, EngineHost } from '../../../electron/engine-host/engine-host.js';

describe('engine crash reports', () => {
  it('say what happened and what to try, in words', () => {
    expect(describeExit({ code: null, signal: 'SIGKILL' }, '')).toBe(
      'The engine process was killed (SIGKILL) while generating. This usually means the system ran out of memory: try fewer frames, a smaller size or fewer jobs at once. The engine has been restarted.',
    );
    expect(describeExit({ code: null, signal: 'SIGSEGV' }, 'x\nSegmentation fault in libonnxruntime\n')).toBe(
      'The engine process was killed (SIGSEGV) while generating. A native library (onnxruntime or the GPU driver) crashed. Last message: Segmentation fault in libonnxruntime The engine has been restarted.',
    );
    expect(describeExit({ code: 1, signal: null }, '')).toBe('The engine process exited with code 1 while generating. The engine has been restarted.');
  });
});

describe('engine host', () => {
  it('reports a process that cannot be started instead of hanging in "starting"', async () => {
    const host = new EngineHost({ launcher: { launch: () => { throw new Error('EACCES'); } }, config: { packDirs: [] } });
    await expect(host.start()).rejects.toThrow('The engine process could not be started: EACCES');
    expect(host.status).toMatchObject({ state: 'crashed', message: expect.stringContaining('EACCES') });
    await expect(host.run('job-1', { prompt: 'p', seed: 1 }, '/tmp/x.mp4', () => {})).rejects.toMatchObject({ code: 'engine-crashed' });
    await host.dispose();
  });
});
