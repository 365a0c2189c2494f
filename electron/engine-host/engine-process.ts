// Entry point of the engine process. The host starts it with child_process.fork (web mode, CLI, tests) or
// Electron's utilityProcess (the app); both give a message port, found here as process.parentPort (utility) or
// process.send (fork). The process owns the onnxruntime sessions, so a native crash or an OOM kill takes only it
// down: the host fails the running job, restarts it and the queue goes on.
import type { Engine, EngineEvent, GenerationRequest } from '../engine/api.js';
import { EngineError } from '../engine/api.js';
import type { EngineProcessConfig, EngineToHost, HostToEngine } from './protocol.js';
import { encodeClip } from './clip-encoder.js';

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function post(message: EngineToHost): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

function onHostMessage(listener: (message: HostToEngine) => void): void {
  if (parentPort) parentPort.on('message', (event) => listener(event.data as HostToEngine));
  else process.on('message', (message) => listener(message as HostToEngine));
}

let engine: Engine | null = null;
let running: { jobId: string; controller: AbortController } | null = null;

async function init(config: EngineProcessConfig): Promise<void> {
  try {
    // Loaded on demand: onnxruntime's native library comes in with it, after the process has its message port.
    const { createEngine } = await import('../engine/index.js');
    engine = createEngine({ packDirs: config.packDirs, ...(config.provider ? { provider: config.provider } : {}) });
    post({ type: 'ready' });
  } catch (error) {
    post({ type: 'init-failed', reason: error instanceof Error ? error.message : String(error) });
  }
}

async function generate(jobId: string, request: GenerationRequest, outputFile: string): Promise<void> {
  const controller = new AbortController();
  running = { jobId, controller };
  try {
    if (!engine) throw new EngineError('internal', 'The engine is not initialised.');
    const forward = (event: EngineEvent) => {
      if (event.type !== 'done') post({ type: 'event', event });
    };
    const result = await engine.generate(jobId, request, { onEvent: forward, signal: controller.signal });
    if (controller.signal.aborted) throw new EngineError('cancelled', 'Cancelled.');
    post({ type: 'event', event: { type: 'stage', jobId, stage: 'encode' } });
    await encodeClip(result, outputFile);
    post({ type: 'job-done', jobId, file: outputFile, record: result.record });
  } catch (error) {
    if (controller.signal.aborted || (error instanceof EngineError && error.code === 'cancelled')) {
      post({ type: 'job-failed', jobId, code: 'cancelled', reason: 'Cancelled.' });
    } else if (error instanceof EngineError) {
      post({ type: 'job-failed', jobId, code: error.code, reason: error.message });
    } else {
      const message = error instanceof Error ? error.message : String(error);
      const code = /out of memory|bad_alloc|ENOMEM/i.test(message) ? 'out-of-memory' : /ENOSPC/.test(message) ? 'disk-full' : 'internal';
      post({ type: 'job-failed', jobId, code, reason: message });
    }
  } finally {
    running = null;
  }
}

onHostMessage((message) => {
  switch (message.type) {
    case 'init':
      void init(message.config);
      break;
    case 'list-packs':
      if (!engine) {
        post({ type: 'packs', requestId: message.requestId, error: 'The engine is not initialised.' });
        break;
      }
      engine.listPacks().then(
        (packs) => post({ type: 'packs', requestId: message.requestId, packs }),
        (error: unknown) => post({ type: 'packs', requestId: message.requestId, error: error instanceof Error ? error.message : String(error) }),
      );
      break;
    case 'generate':
      void generate(message.jobId, message.request, message.outputFile);
      break;
    case 'cancel':
      if (running?.jobId === message.jobId) running.controller.abort();
      break;
    case 'shutdown':
      void (engine?.dispose() ?? Promise.resolve()).finally(() => process.exit(0));
      break;
  }
});

// With fork, losing the parent closes the IPC channel: exit rather than linger as an orphan holding models.
process.on('disconnect', () => process.exit(0));
