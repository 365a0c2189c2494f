// The generation queue: jobs wait their turn, run one at a time on the engine host, and end done (an MP4 in the
// project's media folder), failed (with the reason) or cancelled. The queue lives in a JSON file in the user data
// folder, written atomically on every change of state, so it survives a crash or a restart of the app; a job that
// was running when the app stopped is queued again.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { EngineErrorCode, GenerationRecord, GenerationRequest, JobStage } from '../engine/api.js';
import { EngineErrorCode as EngineErrorCodeSchema, GenerationRecordSchema, GenerationRequestSchema, JobStatus } from '../shared/ipc/contract.js';
import { readJson, writeJsonAtomic } from './atomic-json.js';
import { EngineJobError, type EngineHost } from './engine-host.js';
import type { ForwardedEngineEvent } from './protocol.js';

const PersistedJob = z.object({
  id: z.string(),
  status: JobStatus,
  request: GenerationRequestSchema,
  outputDir: z.string(),
  createdAt: z.number(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  error: z.object({ code: EngineErrorCodeSchema, message: z.string() }).optional(),
  clip: z.object({ file: z.string(), record: GenerationRecordSchema }).optional(),
});
const PersistedQueue = z.object({ format: z.literal(1), paused: z.boolean(), jobs: z.array(PersistedJob) });

export type QueueJob = z.infer<typeof PersistedJob> & {
  stage?: JobStage;
  progress?: { step: number; total: number; elapsedMs: number; etaMs: number };
};

export type QueueEvent =
  | { type: 'changed' }
  | { type: 'engine-event'; event: ForwardedEngineEvent }
  | { type: 'job-done'; job: QueueJob }
  | { type: 'job-failed'; job: QueueJob };

export interface JobQueueOptions {
  file: string;
  host: Pick<EngineHost, 'run' | 'cancel'>;
  now?: () => number;
  log?: (line: string) => void;
}

export function outputFileName(job: { id: string; request: GenerationRequest; createdAt: number }): string {
  const d = new Date(job.createdAt);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
  return `${stamp}-seed${job.request.seed}-${job.id.slice(-6)}.mp4`;
}

export class JobQueue {
  private jobs: QueueJob[] = [];
  private paused = false;
  private running: QueueJob | null = null;
  private listeners = new Set<(event: QueueEvent) => void>();
  private readonly now: () => number;
  private loaded = false;
  private stopping = false;
  private current: Promise<void> | null = null;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: JobQueueOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Reads the saved queue. Jobs that were running when the app stopped go back to the front of the queue. */
  async load(): Promise<void> {
    const saved = await readJson(this.options.file);
    if (saved.kind === 'corrupt') this.options.log?.(`[queue] ${this.options.file} was unreadable; kept as ${saved.movedTo}`);
    if (saved.kind === 'ok') {
      const parsed = PersistedQueue.safeParse(saved.value);
      if (parsed.success) {
        this.paused = parsed.data.paused;
        this.jobs = parsed.data.jobs.map((job) => {
          if (job.status !== 'running') return job;
          const { startedAt: _startedAt, ...rest } = job;
          return { ...rest, status: 'queued' as const };
        });
      } else {
        const movedTo = `${this.options.file}.invalid-${this.now()}`;
        await fs.rename(this.options.file, movedTo).catch(() => undefined);
        this.options.log?.(`[queue] ${this.options.file} did not fit the queue format; kept as ${movedTo}`);
      }
    }
    this.loaded = true;
    this.pump();
  }

  subscribe(listener: (event: QueueEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  list(): readonly QueueJob[] {
    return this.jobs;
  }

  get(jobId: string): QueueJob | undefined {
    return this.jobs.find((job) => job.id === jobId);
  }

  async submit(request: GenerationRequest, outputDir: string): Promise<QueueJob> {
    const job: QueueJob = {
      id: `job-${this.now().toString(36)}-${randomBytes(4).toString('hex')}`,
      status: 'queued',
      request,
      outputDir,
      createdAt: this.now(),
    };
    this.jobs.push(job);
    await this.commit();
    this.pump();
    return job;
  }

  async cancel(jobId: string): Promise<boolean> {
    const job = this.get(jobId);
    if (!job) return false;
    if (job.status === 'queued') {
      job.status = 'cancelled';
      job.finishedAt = this.now();
      await this.commit();
      return true;
    }
    if (job.status === 'running') return this.options.host.cancel(jobId);
    return false;
  }

  /** Removes a job that is not running from the list (its clip, if any, stays on disk). */
  async remove(jobId: string): Promise<'removed' | 'running' | 'missing'> {
    const index = this.jobs.findIndex((job) => job.id === jobId);
    if (index < 0) return 'missing';
    if (this.jobs[index]!.status === 'running') return 'running';
    this.jobs.splice(index, 1);
    await this.commit();
    return 'removed';
  }

  async pause(): Promise<void> {
    if (this.paused) return;
    this.paused = true;
    await this.commit();
  }

  async resume(): Promise<void> {
    if (!this.paused) return;
    this.paused = false;
    await this.commit();
    this.pump();
  }

  /** Stops starting jobs; a job cut short by the shutdown goes back to the queue rather than failing. */
  shutdown(): void {
    this.stopping = true;
  }

  /** Resolves once the job running now (if any) has ended and its state is saved. */
  whenSettled(): Promise<void> {
    return this.current ?? Promise.resolve();
  }

  /** Resolves when no job is running and none can start (empty or paused). For tests and orderly shutdown. */
  whenIdle(): Promise<void> {
    if (!this.running && (this.paused || !this.jobs.some((job) => job.status === 'queued'))) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private emit(event: QueueEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private persisted(): z.infer<typeof PersistedQueue> {
    return {
      format: 1,
      paused: this.paused,
      jobs: this.jobs.map(({ stage: _stage, progress: _progress, ...job }) => job),
    };
  }

  private async commit(): Promise<void> {
    this.emit({ type: 'changed' });
    try {
      await writeJsonAtomic(this.options.file, this.persisted());
    } catch (error) {
      this.options.log?.(`[queue] could not save ${this.options.file}: ${(error as Error).message}`);
    }
  }

  private pump(): void {
    if (!this.loaded || this.running) return;
    const next = this.paused || this.stopping ? undefined : this.jobs.find((job) => job.status === 'queued');
    if (!next) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
      return;
    }
    this.running = next;
    this.current = this.runJob(next).finally(() => {
      this.running = null;
      this.current = null;
      this.pump();
    });
  }

  private async runJob(job: QueueJob): Promise<void> {
    job.status = 'running';
    job.startedAt = this.now();
    delete job.error;
    await this.commit();
    const outputFile = path.join(job.outputDir, outputFileName(job));
    try {
      await fs.mkdir(job.outputDir, { recursive: true });
      const result = await this.options.host.run(job.id, job.request, outputFile, (event) => this.onEngineEvent(job, event));
      job.status = 'done';
      job.clip = { file: result.file, record: result.record as GenerationRecord };
      job.finishedAt = this.now();
      delete job.stage;
      delete job.progress;
      await this.commit();
      this.emit({ type: 'job-done', job });
    } catch (error) {
      if (this.stopping) {
        job.status = 'queued';
        delete job.startedAt;
        delete job.stage;
        delete job.progress;
        await this.commit();
        return;
      }
      const code: EngineErrorCode = error instanceof EngineJobError ? error.code : 'internal';
      const message = error instanceof Error ? error.message : String(error);
      job.status = code === 'cancelled' ? 'cancelled' : 'failed';
      if (code !== 'cancelled') job.error = { code, message };
      job.finishedAt = this.now();
      delete job.stage;
      delete job.progress;
      await this.commit();
      if (code !== 'cancelled') this.emit({ type: 'job-failed', job });
    }
  }

  private onEngineEvent(job: QueueJob, event: ForwardedEngineEvent): void {
    if (event.type === 'stage') job.stage = event.stage;
    if (event.type === 'progress') {
      job.progress = { step: event.step, total: event.total, elapsedMs: event.elapsedMs, etaMs: event.etaMs };
    }
    this.emit({ type: 'engine-event', event });
  }
}
