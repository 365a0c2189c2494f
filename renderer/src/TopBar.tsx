// The bar across the top: the project, the engine's state, and how the studio is running.
import { studioClient } from './ipc/studio-client.js';
import { toast, useStudio } from './state/studio-store.js';

const engineText: Record<string, string> = {
  stopped: 'Engine idle', starting: 'Engine starting', ready: 'Engine ready', busy: 'Rendering',
  restarting: 'Engine restarting', crashed: 'Engine stopped',
};

export function TopBar() {
  const app = useStudio((s) => s.app);
  const engine = useStudio((s) => s.engine);
  const project = useStudio((s) => s.project);
  const recent = useStudio((s) => s.recent);
  const connection = useStudio((s) => s.connection);
  const dialogs = app?.capabilities.nativeDialogs ?? false;

  const openRecent = async (file: string) => {
    const result = await studioClient().request('project.openRecent', { file });
    if (!result.ok) toast('error', result.error.message);
  };

  return (
    <header className="topbar">
      <div className="brand">
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stopColor="#8b7bff" /><stop offset="1" stopColor="#3fd0c9" /></linearGradient></defs><path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v13a2.5 2.5 0 0 1-2.5 2.5h-11A2.5 2.5 0 0 1 4 18.5z" fill="url(#g)" /><path d="M10 8.5v7l6-3.5z" fill="#0d0f13" /></svg>
        <span>HyVideo Studio</span>
      </div>
      <div className="project">
        <span className="muted small">Project</span>
        <strong title={project?.dir}>{project?.name ?? '…'}</strong>
        {dialogs && <button type="button" className="link-button" onClick={() => void studioClient().request('project.open', {})}>Open…</button>}
        {recent.length > 0 && (
          <select className="recent" value="" onChange={(e) => e.target.value && void openRecent(e.target.value)} aria-label="Recent projects">
            <option value="">Recent</option>
            {recent.map((r) => <option key={r.file} value={r.file}>{r.name}</option>)}
          </select>
        )}
      </div>
      <span className="spacer" />
      {connection !== 'open' && <span className="badge warn">{connection === 'lost' ? 'Reconnecting…' : 'Connecting…'}</span>}
      <span className={`engine-pill ${engine.state}`} data-testid="engine-status" title={engine.message ?? ''}>
        <span className="dot" />
        {engineText[engine.state] ?? engine.state}
        {engine.restarts > 0 && <span className="muted small"> · {engine.restarts} restart{engine.restarts > 1 ? 's' : ''}</span>}
      </span>
      {app?.mode === 'web' && <span className="badge" title="The studio runs in your browser, served only to this machine.">Web mode</span>}
    </header>
  );
}
