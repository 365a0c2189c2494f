// Keeps one engine process alive and runs one job at a time on it. When the process dies (a native crash, the
// OOM killer, a SIGKILL) the running job fails with a reason a person can read, the process is started again, and
// whoever queued the work carries on.
import type { EngineErrorCode, GenerationRecord, GenerationRequest, PackSummary } from '../engine/api.js';
import type { EngineChild, EngineLauncher, ExitInfo } from './launcher.js';
import type { EngineProcessConfig, EngineToHost, ForwardedEngineEvent } from './protocol.js';

export type EngineState = 'stopped' | 'starting' | 'ready' | 'busy' | 'restarting' | 'crashed';
export interface EngineHostStatus {
  state: EngineState;
  restarts: number;
  message?: string;
}

export class EngineJobError extends Error {
  constructor(readonly code: EngineErrorCode, message: string) {
    super(message);
    this.name = 'EngineJobError';
  }
}

export interface EngineHostOptions {
  launcher: EngineLauncher;
  config: EngineProcessConfig;
  /** How long a cancelled job may take to stop before the process is killed. */
  cancelGraceMs?: number;
  /** How long the process may take to load the engine module. */
  startTimeoutMs?: number;
  /** First restart delay; doubles with each crash in a row, up to maxRestartDelayMs. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  log?: (line: string) => void;
}

interface RunningJob {
  jobId: string;
  resolve: (value: { file: string; record: GenerationRecord }) => void;
  reject: (error: EngineJobError) => void;
  onEvent: (event: ForwardedEngineEvent) => void;
  cancelTimer?: NodeJS.Timeout;
  cancelled: boolean;
}

export function describeExit(info: ExitInfo, stderrTail: string): string {
  const how = info.signal
    ? `was killed (${info.signal})`
    : `exited with code ${info.code ?? 'unknown'}`;
  const hint = info.signal === 'SIGKILL'
    ? ' This usually means the system ran out of memory: try fewer frames, a smaller size or fewer jobs at once.'
    : info.signal === 'SIGSEGV' || info.signal === 'SIGABRT' || (info.code !== null && info.code > 128)
      ? ' A native library (onnxruntime or the GPU driver) crashed.'
      : '';
  const lastLine = stderrTail.trim().split('\n').filter(Boolean).pop();
  const detail = lastLine ? ` Last message: ${lastLine.slice(0, 300)}` : '';
  return `The engine process ${how} while generating.${hint}${detail} The engine has been restarted.`;
}

export class EngineHost {
  private child: EngineChild | null = null;
  private ready: Promise<void> | null = null;
  private running: RunningJob | null = null;
  private packRequests = new Map<number, { resolve: (p: PackSummary[]) => void; reject: (e: Error) => void }>();
  private nextRequestId = 1;
  private crashesInARow = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private disposed = false;
  private childReady = false;
  private startError = '';
  private statusValue: EngineHostStatus = { state: 'stopped', restarts: 0 };
  private statusListeners = new Set<(status: EngineHostStatus) => void>();

  constructor(private readonly options: EngineHostOptions) {}

  get status(): EngineHostStatus {
    return this.statusValue;
  }

  onStatus(listener: (status: EngineHostStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process if needed and resolves once the engine module has loaded. */
  start(): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('The engine host has been shut down.'));
    if (this.ready) return this.ready;
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    this.setStatus({ state: this.statusValue.state === 'restarting' ? 'restarting' : 'starting' });
    let child: EngineChild;
    try {
      child = this.options.launcher.launch();
    } catch (error) {
      const message = `The engine process could not be started: ${error instanceof Error ? error.message : String(error)}`;
      this.setStatus({ state: 'crashed', message });
      return Promise.reject(new Error(message));
    }
    this.child = child;
    this.childReady = false;
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        settle(new Error('The engine process did not start in time.'));
        child.kill('SIGKILL');
      }, this.options.startTimeoutMs ?? 120_000);
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          this.startError = error.message;
          reject(error);
        } else {
          this.childReady = true;
          this.setStatus({ state: this.running ? 'busy' : 'ready', message: undefined });
          resolve();
        }
      };
      child.onMessage((message) => this.onMessage(child, message, settle));
      child.onExit((info) => {
        settle(new Error(`The engine process stopped while starting. ${describeExit(info, child.stderrTail())}`));
        this.onExit(child, info);
      });
    });
    // Callers that do not await (an eager warm-up) must not see an unhandled rejection.
    this.ready.catch(() => undefined);
    child.send({ type: 'init', config: this.options.config });
    return this.ready;
  }

  async listPacks(): Promise<PackSummary[]> {
    await this.start();
    const child = this.child!;
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.packRequests.set(requestId, { resolve, reject });
      child.send({ type: 'list-packs', requestId });
    });
  }

  /** Runs one job; rejects with an EngineJobError (code 'cancelled' when cancelled). */
  async run(
    jobId: string,
    request: GenerationRequest,
    outputFile: string,
    onEvent: (event: ForwardedEngineEvent) => void,
  ): Promise<{ file: string; record: GenerationRecord }> {
    if (this.running) throw new EngineJobError('internal', 'The engine is already running a job.');
    try {
      await this.start();
    } catch (error) {
      throw new EngineJobError('engine-crashed', error instanceof Error ? error.message : String(error));
    }
    return new Promise((resolve, reject) => {
      this.running = { jobId, resolve, reject, onEvent, cancelled: false };
      this.setStatus({ state: 'busy' });
      this.child!.send({ type: 'generate', jobId, request, outputFile });
    });
  }

  cancel(jobId: string): boolean {
    const job = this.running;
    if (!job || job.jobId !== jobId || job.cancelled) return false;
    job.cancelled = true;
    this.child?.send({ type: 'cancel', jobId });
    // An engine stuck inside a native call cannot see the abort signal: stop the process instead.
    job.cancelTimer = setTimeout(() => this.child?.kill('SIGKILL'), this.options.cancelGraceMs ?? 5_000);
    return true;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    this.child = null;
    this.ready = null;
    this.failRunning('internal', 'The studio is shutting down.');
    if (!child) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 3_000);
      child.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      child.send({ type: 'shutdown' });
    });
    this.setStatus({ state: 'stopped' });
  }

  private onMessage(child: EngineChild, message: EngineToHost, settleStart: (error?: Error) => void): void {
    if (child !== this.child) return;
    switch (message.type) {
      case 'ready':
        settleStart();
        break;
      case 'init-failed':
        settleStart(new Error(`The engine could not start: ${message.reason}`));
        child.kill('SIGTERM');
        break;
      case 'packs': {
        const pending = this.packRequests.get(message.requestId);
        this.packRequests.delete(message.requestId);
        if (!pending) break;
        if (message.packs) pending.resolve(message.packs);
        else pending.reject(new Error(message.error ?? 'The engine could not list its packs.'));
        break;
      }
      case 'event':
        if (this.running && message.event.jobId === this.running.jobId) this.running.onEvent(message.event);
        break;
      case 'job-done': {
        const job = this.takeRunning(message.jobId);
        if (!job) break;
        this.crashesInARow = 0;
        job.resolve({ file: message.file, record: message.record });
        break;
      }
      case 'job-failed': {
        const job = this.takeRunning(message.jobId);
        job?.reject(new EngineJobError(job.cancelled ? 'cancelled' : message.code, message.reason));
        break;
      }
    }
  }

  private takeRunning(jobId: string): RunningJob | null {
    const job = this.running;
    if (!job || job.jobId !== jobId) return null;
    if (job.cancelTimer) clearTimeout(job.cancelTimer);
    this.running = null;
    if (this.child) this.setStatus({ state: 'ready' });
    return job;
  }

  private failRunning(code: EngineErrorCode, reason: string): void {
    const job = this.running;
    if (!job) return;
    if (job.cancelTimer) clearTimeout(job.cancelTimer);
    this.running = null;
    job.reject(new EngineJobError(job.cancelled ? 'cancelled' : code, job.cancelled ? 'Cancelled.' : reason));
  }

  private onExit(child: EngineChild, info: ExitInfo): void {
    if (child !== this.child) return;
    const wasReady = this.childReady;
    this.child = null;
    this.ready = null;
    this.childReady = false;
    for (const pending of this.packRequests.values()) pending.reject(new Error('The engine process stopped.'));
    this.packRequests.clear();
    if (this.disposed) return;
    if (!wasReady) {
      // It never loaded (missing pack, broken install): restarting in a loop would not help. The next request
      // tries again; until then the status says why.
      this.setStatus({ state: 'crashed', message: this.startError || describeExit(info, child.stderrTail()) });
      return;
    }
    const reason = describeExit(info, child.stderrTail());
    const wasCancel = this.running?.cancelled ?? false;
    this.options.log?.(`[engine] ${reason}`);
    this.failRunning('engine-crashed', reason);
    if (!wasCancel) this.crashesInARow++;
    const base = this.options.restartDelayMs ?? 250;
    const delay = wasCancel ? 0 : Math.min(base * 2 ** Math.max(0, this.crashesInARow - 1), this.options.maxRestartDelayMs ?? 10_000);
    this.setStatus({ state: 'restarting', restarts: this.statusValue.restarts + 1, message: wasCancel ? 'Restarting after a cancelled job.' : reason });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.start().catch(() => undefined);
    }, delay);
  }

  private setStatus(patch: Partial<EngineHostStatus>): void {
    const next = { ...this.statusValue, ...patch };
    if (patch.message === undefined && 'message' in patch) delete next.message;
    this.statusValue = next;
    for (const listener of this.statusListeners) listener(next);
  }
}
