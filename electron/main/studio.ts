// The studio's host-side state and services, without Electron: the open project, the recent list, the engine
// process and the job queue. The Electron main process and the web-mode server each wrap one Studio with their
// own transport; the handlers they expose are the same object.
import path from 'node:path';
import type { GenerationRecord } from '../engine/api.js';
import type { ProviderPreference } from '../engine/providers.js';
import { EngineHost } from '../engine-host/engine-host.js';
import { JobQueue, type QueueJob } from '../engine-host/job-queue.js';
import type { EngineLauncher } from '../engine-host/launcher.js';
import type {
  ClipInfo, EngineStatus, EventName, EventOf, JobSummary, MenuCommand, ProjectInfo, QueueState,
} from '../shared/ipc/contract.js';
import type { Handlers } from '../shared/ipc/router.js';
import { createHandlers } from './handlers.js';
import { mediaPathFor, type MediaRoots } from './media-access.js';
import { projectInFolder, readProjectFile, writeProjectFile } from './project-file.js';
import { RecentProjects } from './recent-projects.js';

/** What only a desktop shell can do. Absent in web mode, where those requests answer `unsupported`. */
export interface NativeShell {
  chooseProjectToOpen(): Promise<string | null>;
  chooseProjectSaveFile(defaultName: string): Promise<string | null>;
  startDrag(file: string): void;
  noteRecentDocument(file: string): void;
}

export interface StudioOptions {
  mode: 'electron' | 'web';
  version: string;
  platform?: string;
  userDataDir: string;
  /** Folders that hold model packs (each pack is a sub-folder with a manifest.json). */
  packDirs: string[];
  /** The project folder to open at start when no project file is given. */
  projectDir?: string;
  projectFile?: string;
  launcher: EngineLauncher;
  provider?: ProviderPreference;
  /** Turns a served media path ("project/media/clip.mp4") into the URL the page loads. */
  mediaUrl: (mediaPath: string) => string;
  native?: NativeShell;
  /** Reads the generation record embedded in an MP4. */
  readClipRecord?: (bytes: Uint8Array) => Promise<GenerationRecord | null>;
  /** Start the engine process right away rather than on the first request. */
  warmEngine?: boolean;
  log?: (line: string) => void;
  now?: () => number;
}

type Listener = <E extends EventName>(name: E, payload: EventOf<E>) => void;

export class Studio {
  readonly host: EngineHost;
  readonly queue: JobQueue;
  readonly recent: RecentProjects;
  readonly handlers: Handlers;
  private projectValue: ProjectInfo;
  private listeners = new Set<Listener>();
  private readonly now: () => number;

  constructor(readonly options: StudioOptions) {
    this.now = options.now ?? Date.now;
    this.host = new EngineHost({
      launcher: options.launcher,
      config: { packDirs: options.packDirs, ...(options.provider ? { provider: options.provider } : {}) },
      log: options.log,
    });
    this.queue = new JobQueue({ file: path.join(options.userDataDir, 'queue.json'), host: this.host, now: this.now, log: options.log });
    this.recent = new RecentProjects(path.join(options.userDataDir, 'recent-projects.json'));
    this.projectValue = projectInFolder(options.projectDir ?? path.join(options.userDataDir, 'Untitled Project'));
    this.handlers = createHandlers(this);

    this.host.onStatus((status) => this.emit('engine.status', this.engineStatus(status)));
    this.queue.subscribe((event) => {
      switch (event.type) {
        case 'changed':
          this.emit('queue.changed', this.queueState());
          break;
        case 'engine-event': {
          const e = event.event;
          if (e.type === 'stage') this.emit('job.stage', { jobId: e.jobId, stage: e.stage });
          else if (e.type === 'progress') this.emit('job.progress', { jobId: e.jobId, step: e.step, total: e.total, elapsedMs: e.elapsedMs, etaMs: e.etaMs });
          else if (e.type === 'preview') this.emit('job.preview', { jobId: e.jobId, step: e.step, width: e.width, height: e.height, frameCount: e.frameCount, rgb: e.rgb });
          break;
        }
        case 'job-done': {
          const clip = this.clipInfo(event.job);
          if (clip) this.emit('job.result', { jobId: event.job.id, clip });
          break;
        }
        case 'job-failed':
          if (event.job.error) this.emit('job.failed', { jobId: event.job.id, code: event.job.error.code, message: event.job.error.message });
          break;
      }
    });
  }

  async start(): Promise<void> {
    await this.recent.load();
    if (this.options.projectFile) await this.openProjectFile(this.options.projectFile).catch((error: Error) => this.options.log?.(`[project] ${error.message}`));
    await this.queue.load();
    if (this.options.warmEngine) this.host.start().catch(() => undefined);
  }

  async dispose(): Promise<void> {
    this.queue.shutdown();
    await this.host.dispose();
    await this.queue.whenSettled();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: EventOf<E>): void {
    for (const listener of this.listeners) listener(name, payload);
  }

  get project(): ProjectInfo {
    return { ...this.projectValue };
  }

  /** Where new clips go. */
  get outputDir(): string {
    return path.join(this.projectValue.dir, 'media');
  }

  mediaRoots(): MediaRoots {
    const roots: Record<string, string> = { project: this.projectValue.dir };
    this.options.packDirs.forEach((dir, i) => {
      roots[`packs-${i}`] = dir;
    });
    return roots;
  }

  async openProjectFile(file: string): Promise<ProjectInfo> {
    const project = await readProjectFile(file);
    await this.setProject(project);
    return project;
  }

  async saveProjectAs(file: string): Promise<ProjectInfo> {
    const project = await writeProjectFile(file, path.basename(file, path.extname(file)));
    await this.setProject(project);
    return project;
  }

  sendMenuCommand(command: MenuCommand): void {
    this.emit('menu.command', { command });
  }

  engineStatus(status = this.host.status): EngineStatus {
    return status.message ? { state: status.state, restarts: status.restarts, message: status.message } : { state: status.state, restarts: status.restarts };
  }

  clipInfo(job: QueueJob): ClipInfo | undefined {
    if (!job.clip) return undefined;
    const mediaPath = mediaPathFor(this.mediaRoots(), job.clip.file);
    return {
      fileName: path.basename(job.clip.file),
      url: mediaPath ? this.options.mediaUrl(mediaPath) : null,
      record: job.clip.record,
    };
  }

  jobSummary(job: QueueJob): JobSummary {
    const summary: JobSummary = { id: job.id, status: job.status, request: job.request, createdAt: job.createdAt };
    if (job.startedAt !== undefined) summary.startedAt = job.startedAt;
    if (job.finishedAt !== undefined) summary.finishedAt = job.finishedAt;
    if (job.stage) summary.stage = job.stage;
    if (job.progress) summary.progress = job.progress;
    if (job.error) summary.error = job.error;
    const clip = this.clipInfo(job);
    if (clip) summary.clip = clip;
    return summary;
  }

  queueState(): QueueState {
    return { paused: this.queue.isPaused, jobs: this.queue.list().map((job) => this.jobSummary(job)) };
  }

  private async setProject(project: ProjectInfo): Promise<void> {
    this.projectValue = project;
    if (project.file) {
      await this.recent.add(project.file, project.name, this.now());
      this.options.native?.noteRecentDocument(project.file);
    }
    this.emit('project.changed', this.project);
    // Clip URLs depend on the project folder.
    this.emit('queue.changed', this.queueState());
  }
}
