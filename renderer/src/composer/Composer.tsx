// The prompt composer: describe the shot in the caption's own fields, pick one of the 14 camera moves, set the
// seed and the few settings that matter, and queue it.
import { useState } from 'react';
import type { CameraMoveId } from '../../../electron/engine/api.js';
import { buildRequest, effectiveSettings, useComposer } from '../state/composer-store.js';
import { useStudio } from '../state/studio-store.js';
import { currentPack, generate, newSeed } from './actions.js';
import { cameraMoves, captionFields } from './caption.js';
import { CameraGlyph } from './CameraGlyph.js';

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
const detailFields = captionFields.filter((f) => f.id !== 'short');

function setField(id: string, value: string) {
  useComposer.setState((s) => ({ fields: { ...s.fields, [id]: value } }));
}

function NumberSetting(props: {
  label: string; hint?: string; value: number | undefined; min: number; max: number; step: number;
  onChange: (value: number | null) => void; testId: string;
}) {
  return (
    <label className="setting">
      <span className="setting-label">{props.label}{props.hint ? <em>{props.hint}</em> : null}</span>
      <input
        type="number"
        data-testid={props.testId}
        value={props.value ?? ''}
        min={props.min}
        max={props.max}
        step={props.step}
        onChange={(e) => props.onChange(e.target.value === '' ? null : Number(e.target.value))}
      />
    </label>
  );
}

export function Composer() {
  const composer = useComposer();
  const packs = useStudio((s) => s.packs);
  const packsError = useStudio((s) => s.packsError);
  const [showDetails, setShowDetails] = useState(false);
  const pack = packs.find((p) => p.id === composer.packId) ?? packs[0];
  const settings = effectiveSettings(composer, pack);
  const caption = buildRequest(composer, currentPack()).prompt;
  const sizeValue = composer.size ?? (settings.width ? `${settings.width}x${settings.height}` : '');
  const ready = Boolean(pack) && (composer.fields.short?.trim() || composer.fields.dense?.trim());

  return (
    <section className="panel composer" aria-label="Composer">
      <header className="panel-head">
        <h2>Shot</h2>
        <span className="muted small">{captionFields.length} caption fields · {cameraMoves.length} camera moves</span>
      </header>

      <div className="scroll">
        <label className="field">
          <span className="field-label">Describe the shot</span>
          <textarea
            id="field-short"
            data-testid="prompt"
            rows={3}
            placeholder="A red circle glides across a pale blue sky…"
            value={composer.fields.short ?? ''}
            onChange={(e) => setField('short', e.target.value)}
          />
        </label>

        <button type="button" className="disclosure" aria-expanded={showDetails} onClick={() => setShowDetails(!showDetails)}>
          <span className="chev">{showDetails ? '▾' : '▸'}</span> Details
          <span className="muted small">
            {detailFields.filter((f) => composer.fields[f.id]?.trim()).map((f) => f.label.toLowerCase()).join(', ') || 'background, style, lighting…'}
          </span>
        </button>
        {showDetails && (
          <div className="details">
            {detailFields.map((field) => (
              <label key={field.id} className="field compact">
                <span className="field-label">{field.label}</span>
                <input type="text" value={composer.fields[field.id] ?? ''} onChange={(e) => setField(field.id, e.target.value)} />
              </label>
            ))}
          </div>
        )}

        <div className="group-label">Camera</div>
        <div className="camera-grid" role="radiogroup" aria-label="Camera move">
          {cameraMoves.map((move) => {
            const active = composer.camera === move.id;
            return (
              <button
                key={move.id}
                type="button"
                role="radio"
                aria-checked={active}
                data-testid={`camera-${move.id}`}
                className={`camera-chip${active ? ' active' : ''}`}
                title={move.sentence}
                onClick={() => useComposer.setState({ camera: active ? null : (move.id as CameraMoveId) })}
              >
                <CameraGlyph move={move.id} />
                <span>{move.label.replace(' shot', '')}</span>
              </button>
            );
          })}
        </div>

        <div className="group-label">Seed &amp; settings</div>
        <div className="seed-row">
          <input
            className="seed"
            type="number"
            data-testid="seed"
            min={0}
            max={4294967295}
            value={composer.seed}
            onChange={(e) => useComposer.setState({ seed: Math.max(0, Math.min(4294967295, Math.floor(Number(e.target.value) || 0))) })}
            aria-label="Seed"
          />
          <button type="button" className="icon-button" title="New random seed" onClick={newSeed} aria-label="New random seed">
            <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="1.6"><rect x="4" y="4" width="16" height="16" rx="3.5" /><circle cx="9" cy="9" r="1.2" className="fill" /><circle cx="15" cy="15" r="1.2" className="fill" /><circle cx="15" cy="9" r="1.2" className="fill" /><circle cx="9" cy="15" r="1.2" className="fill" /></svg>
          </button>
        </div>

        <div className="settings">
          <label className="setting wide">
            <span className="setting-label">Model pack</span>
            <select value={pack?.id ?? ''} onChange={(e) => useComposer.setState({ packId: e.target.value })} disabled={packs.length === 0}>
              {packs.length === 0 && <option value="">{packsError ? 'no pack available' : 'loading…'}</option>}
              {packs.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </select>
          </label>
          <label className="setting">
            <span className="setting-label">Size</span>
            <select value={sizeValue} onChange={(e) => useComposer.setState({ size: e.target.value })}>
              {(pack?.sizes ?? []).map((s) => <option key={`${s.width}x${s.height}`} value={`${s.width}x${s.height}`}>{s.width} × {s.height}</option>)}
            </select>
          </label>
          <label className="setting">
            <span className="setting-label">Frames</span>
            <select data-testid="frames" value={settings.frames ?? ''} onChange={(e) => useComposer.setState({ frames: Number(e.target.value) })}>
              {(pack?.frameCounts ?? []).map((n) => <option key={n} value={n}>{n}{pack ? ` · ${(n / pack.defaults.fps).toFixed(1)} s` : ''}</option>)}
            </select>
          </label>
          <NumberSetting label="Steps" testId="steps" value={settings.steps} min={1} max={100} step={1} onChange={(v) => useComposer.setState({ steps: v })} />
          <NumberSetting label="Guidance" value={settings.guidance} min={0} max={20} step={0.5} onChange={(v) => useComposer.setState({ guidance: v })} testId="guidance" />
          <NumberSetting label="Shift" value={settings.shift} min={1} max={20} step={0.5} onChange={(v) => useComposer.setState({ shift: v })} testId="shift" />
        </div>

        <div className="caption-preview" aria-label="Caption">
          <div className="group-label">Caption sent to the model</div>
          <p data-testid="caption">{caption || <span className="muted">The caption appears here as you type.</span>}</p>
        </div>
      </div>

      <footer className="composer-foot">
        <button type="button" className="generate" data-testid="generate" disabled={!ready} onClick={() => void generate()}>
          <svg viewBox="0 0 24 24" width="18" height="18" fill="currentColor" aria-hidden="true"><path d="M7 4.5v15l12-7.5z" /></svg>
          Generate
          <kbd>{isMac ? '⌘' : 'Ctrl'} ↵</kbd>
        </button>
      </footer>
    </section>
  );
}
