// The takes: every job of the queue, newest first, with its state, a live progress bar, and the finished clip,
// which can be dragged straight out into an editor.
import type { JobSummary } from '../../../electron/shared/ipc/contract.js';
import { toggleQueuePause } from '../composer/actions.js';
import { studioClient } from '../ipc/studio-client.js';
import { restoreFromRecord } from '../state/composer-store.js';
import { selectJob, toast, useStudio } from '../state/studio-store.js';
import { dragOutProps } from './drag-out.js';

const statusLabel: Record<JobSummary['status'], string> = {
  queued: 'Queued', running: 'Rendering', done: 'Done', failed: 'Failed', cancelled: 'Cancelled',
};

async function act(channel: 'jobs.cancel' | 'jobs.remove', jobId: string) {
  const result = await studioClient().request(channel, { jobId });
  if (!result.ok) toast('error', result.error.message);
}

function TakeCard({ job, selected, nativeDrag }: { job: JobSummary; selected: boolean; nativeDrag: boolean }) {
  const live = useStudio((s) => s.progress[job.id]) ?? job.progress;
  const fraction = live ? live.step / Math.max(1, live.total) : 0;
  const camera = job.request.caption?.camera;
  return (
    <li
      className={`take status-${job.status}${selected ? ' selected' : ''}`}
      data-testid="take"
      data-status={job.status}
      onClick={() => selectJob(job.id)}
      {...dragOutProps(job, nativeDrag)}
    >
      <div className="take-thumb">
        {job.status === 'done' && job.clip?.url ? (
          <video src={job.clip.url} muted loop autoPlay playsInline />
        ) : (
          <span className={`thumb-icon ${job.status}`} />
        )}
      </div>
      <div className="take-body">
        <div className="take-top">
          <span className={`status-dot ${job.status}`} />
          <span className="take-status">{statusLabel[job.status]}</span>
          <span className="muted small">seed {job.request.seed}</span>
        </div>
        <p className="take-prompt" title={job.request.prompt}>{job.request.caption?.fields.short || job.request.prompt}</p>
        {job.status === 'running' && (
          <div className="progress-track thin"><div className="progress-fill" style={{ width: `${Math.round(fraction * 100)}%` }} /></div>
        )}
        {job.status === 'failed' && <p className="take-error" title={job.error?.message}>{job.error?.message}</p>}
        <div className="take-actions">
          {camera && <span className="chip tiny">{camera.replace('-', ' ')}</span>}
          <span className="spacer" />
          {(job.status === 'queued' || job.status === 'running') && (
            <button type="button" className="link-button" onClick={(e) => { e.stopPropagation(); void act('jobs.cancel', job.id); }}>Cancel</button>
          )}
          {job.status !== 'running' && job.status !== 'queued' && (
            <button type="button" className="link-button" onClick={(e) => { e.stopPropagation(); restoreFromRecord(job.clip?.record ?? job.request); }}>Reuse</button>
          )}
          {job.status !== 'running' && (
            <button type="button" className="link-button" onClick={(e) => { e.stopPropagation(); void act('jobs.remove', job.id); }}>Remove</button>
          )}
        </div>
      </div>
    </li>
  );
}

export function QueuePanel() {
  const queue = useStudio((s) => s.queue);
  const selected = useStudio((s) => s.selectedJobId);
  const nativeDrag = useStudio((s) => s.app?.capabilities.nativeDrag ?? false);
  const jobs = [...queue.jobs].reverse();
  const waiting = queue.jobs.filter((j) => j.status === 'queued').length;
  return (
    <section className="panel takes" aria-label="Takes">
      <header className="panel-head">
        <h2>Takes</h2>
        <span className="muted small">{waiting ? `${waiting} waiting` : `${queue.jobs.length} total`}</span>
        <span className="spacer" />
        <button type="button" className={`pill-button${queue.paused ? ' warn' : ''}`} data-testid="queue-pause" onClick={() => void toggleQueuePause()}>
          {queue.paused ? 'Resume queue' : 'Pause queue'}
        </button>
      </header>
      {jobs.length === 0 ? (
        <div className="takes-empty muted">No takes yet. Each generation lands here, newest first.</div>
      ) : (
        <ul className="take-list scroll">
          {jobs.map((job) => <TakeCard key={job.id} job={job} selected={job.id === selected} nativeDrag={nativeDrag} />)}
        </ul>
      )}
    </section>
  );
}
