// What the studio page knows about the host: connection, packs, engine, project, the queue with its live
// progress and previews. Filled from requests at start and kept current by the host's events.
import { create } from 'zustand';
import type { StudioClient } from '../../../electron/shared/ipc/client.js';
import type {
  AppInfo, EngineStatus, EventOf, PackSummaryWire, ProjectInfo, QueueState, RecentProject,
} from '../../../electron/shared/ipc/contract.js';
import type { ConnectionState } from '../ipc/connect.js';

export type Preview = EventOf<'job.preview'>;
export type Progress = EventOf<'job.progress'>;

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface StudioState {
  connection: ConnectionState;
  app: AppInfo | null;
  packs: PackSummaryWire[];
  packsError: string | null;
  engine: EngineStatus;
  project: ProjectInfo | null;
  recent: RecentProject[];
  queue: QueueState;
  /** The job shown in the viewer: the one just submitted, or one the user picked. */
  selectedJobId: string | null;
  previews: Record<string, Preview>;
  progress: Record<string, Progress>;
  toasts: Toast[];
}

export const useStudio = create<StudioState>(() => ({
  connection: 'connecting',
  app: null,
  packs: [],
  packsError: null,
  engine: { state: 'stopped', restarts: 0 },
  project: null,
  recent: [],
  queue: { paused: false, jobs: [] },
  selectedJobId: null,
  previews: {},
  progress: {},
  toasts: [],
}));

let toastId = 1;
export function toast(kind: Toast['kind'], text: string): void {
  const id = toastId++;
  useStudio.setState((s) => ({ toasts: [...s.toasts.slice(-3), { id, kind, text }] }));
  setTimeout(() => useStudio.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })), kind === 'error' ? 9000 : 4000);
}

export function selectJob(jobId: string | null): void {
  useStudio.setState({ selectedJobId: jobId });
}

/** Loads everything the page shows, and again after a lost connection comes back. */
export async function refreshAll(client: StudioClient): Promise<void> {
  const [app, engine, project, recent, queue] = await Promise.all([
    client.call('app.info', {}),
    client.call('engine.status', {}),
    client.call('project.current', {}),
    client.call('project.recent', {}),
    client.call('queue.get', {}),
  ]);
  useStudio.setState({ app, engine, project, recent, queue });
  const packs = await client.request('packs.list', {});
  if (packs.ok) useStudio.setState({ packs: packs.value, packsError: null });
  else useStudio.setState({ packsError: packs.error.message });
}

export function wireEvents(client: StudioClient): void {
  client.on('queue.changed', (queue) => useStudio.setState({ queue }));
  client.on('engine.status', (engine) => {
    const before = useStudio.getState().engine;
    useStudio.setState({ engine });
    // Packs are listed by the engine process: list them again once it is (back) up.
    if (engine.state === 'ready' && before.state !== 'ready' && before.state !== 'busy') {
      void client.request('packs.list', {}).then((r) => r.ok && useStudio.setState({ packs: r.value, packsError: null }));
    }
  });
  client.on('project.changed', (project) => {
    useStudio.setState({ project });
    void client.request('project.recent', {}).then((r) => r.ok && useStudio.setState({ recent: r.value }));
  });
  client.on('job.progress', (p) => useStudio.setState((s) => ({ progress: { ...s.progress, [p.jobId]: p } })));
  client.on('job.stage', (e) =>
    useStudio.setState((s) => ({
      queue: { ...s.queue, jobs: s.queue.jobs.map((job) => (job.id === e.jobId ? { ...job, stage: e.stage } : job)) },
    })),
  );
  client.on('job.preview', (p) => useStudio.setState((s) => ({ previews: { ...s.previews, [p.jobId]: p } })));
  client.on('job.failed', (e) => toast('error', e.message));
  client.on('job.result', (e) => {
    if (useStudio.getState().selectedJobId === null) selectJob(e.jobId);
  });
}
