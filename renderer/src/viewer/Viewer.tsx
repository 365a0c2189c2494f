// The stage: the selected take. While it runs, the live preview with its progress; when done, the clip itself.
import type { JobSummary } from '../../../electron/shared/ipc/contract.js';
import { useStudio } from '../state/studio-store.js';
import { PreviewCanvas } from './PreviewCanvas.js';
import { dragOutProps } from '../queue/drag-out.js';

const stageNames: Record<string, string> = {
  loading: 'Loading the model pack',
  text: 'Encoding the caption',
  denoise: 'Denoising',
  decode: 'Decoding frames',
  encode: 'Writing the MP4',
};

function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function pickJob(jobs: JobSummary[], selected: string | null): JobSummary | undefined {
  return jobs.find((j) => j.id === selected) ?? jobs.find((j) => j.status === 'running') ?? [...jobs].reverse().find((j) => j.status === 'done');
}

export function Viewer() {
  const jobs = useStudio((s) => s.queue.jobs);
  const selected = useStudio((s) => s.selectedJobId);
  const previews = useStudio((s) => s.previews);
  const progressMap = useStudio((s) => s.progress);
  const nativeDrag = useStudio((s) => s.app?.capabilities.nativeDrag ?? false);
  const job = pickJob(jobs, selected);

  if (!job) {
    return (
      <section className="stage empty" aria-label="Viewer">
        <div className="stage-frame">
          <div className="empty-state">
            <div className="empty-mark">
              <svg viewBox="0 0 48 48" width="56" height="56" fill="none" stroke="currentColor" strokeWidth="1.5"><rect x="6" y="10" width="36" height="28" rx="4" /><path d="M20 18v12l10-6z" fill="currentColor" /></svg>
            </div>
            <h3>Your first shot is one sentence away</h3>
            <p className="muted">Describe it, pick a camera move, and press Generate. Takes appear on the right; drag a finished clip straight into your editor.</p>
          </div>
        </div>
      </section>
    );
  }

  const preview = previews[job.id];
  const live = progressMap[job.id] ?? job.progress;
  const fraction = live ? live.step / Math.max(1, live.total) : 0;
  const fps = job.clip?.record.fps ?? job.request.fps ?? 8;

  return (
    <section className="stage" aria-label="Viewer">
      <div className="stage-frame">
        {job.status === 'done' && job.clip?.url ? (
          <video
            key={job.clip.url}
            className="stage-media"
            data-testid="result-video"
            src={job.clip.url}
            autoPlay
            loop
            muted
            playsInline
            controls
            {...dragOutProps(job, nativeDrag)}
          />
        ) : preview && job.status === 'running' ? (
          <PreviewCanvas preview={preview} fps={fps} />
        ) : (
          <div className="stage-placeholder">
            {job.status === 'queued' && <p>Waiting in the queue…</p>}
            {job.status === 'running' && <p>{stageNames[job.stage ?? 'loading']}…</p>}
            {job.status === 'failed' && <p className="error-text" data-testid="job-error">{job.error?.message}</p>}
            {job.status === 'cancelled' && <p>Cancelled.</p>}
            {job.status === 'done' && !job.clip?.url && <p>This take belongs to another project.</p>}
          </div>
        )}
        {job.status === 'running' && (
          <div className="stage-progress" data-testid="progress">
            <div className="progress-track"><div className="progress-fill" style={{ width: `${Math.round(fraction * 100)}%` }} /></div>
            <div className="progress-text">
              <span data-testid="progress-stage">{stageNames[job.stage ?? 'loading']}</span>
              {live && <span data-testid="progress-step">step {live.step} / {live.total}</span>}
              {live && <span className="muted">{formatMs(live.elapsedMs)} elapsed · about {formatMs(live.etaMs)} left</span>}
            </div>
          </div>
        )}
      </div>
      <div className="stage-meta">
        <p className="stage-caption" title={job.request.prompt}>{job.request.prompt}</p>
        <div className="chips">
          <span className="chip">seed {job.request.seed}</span>
          {job.clip && <span className="chip">{job.clip.record.width}×{job.clip.record.height}</span>}
          {job.clip && <span className="chip">{job.clip.record.frames} frames · {job.clip.record.fps} fps</span>}
          {job.clip && <span className="chip">{job.clip.record.steps} steps</span>}
          {job.clip && <span className="chip">{formatMs(job.clip.record.timings.totalMs)}</span>}
          {job.request.caption?.camera && <span className="chip accent">{job.request.caption.camera.replace('-', ' ')}</span>}
          {job.clip?.url && <a className="chip link" href={job.clip.url} download={job.clip.fileName}>Download MP4</a>}
        </div>
      </div>
    </section>
  );
}
