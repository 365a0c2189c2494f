// A small drawing of each camera move: what the camera does, in the terms of shared/design/camera-moves.md.
import type { CameraMoveId } from '../../../electron/engine/api.js';

const rotation: Record<string, number> = { right: 0, down: 90, left: 180, up: 270 };

function Straight({ dir }: { dir: string }) {
  return (
    <g transform={`rotate(${rotation[dir]} 12 12)`}>
      <path d="M5 12h12" />
      <path d="M13.5 8.5 17.5 12l-4 3.5" />
    </g>
  );
}

function Turn({ dir }: { dir: string }) {
  return (
    <g transform={`rotate(${rotation[dir]} 12 12)`}>
      <path d="M6 16.5c1.5-6 8.5-7.5 11.5-3" />
      <path d="M18.6 9.2 17.8 13.6l-4.3-.9" />
    </g>
  );
}

function Orbit({ dir }: { dir: 'left' | 'right' }) {
  const flip = dir === 'left' ? 'scale(-1 1) translate(-24 0)' : undefined;
  return (
    <g>
      <ellipse cx="12" cy="13" rx="8.5" ry="4" strokeDasharray="2.2 2.2" />
      <circle cx="12" cy="10.5" r="2.4" className="fill" />
      <g transform={flip}>
        <path d="M15.5 15.2 19 16.4l-1.4 3.2" />
      </g>
    </g>
  );
}

function Zoom({ inward }: { inward: boolean }) {
  const corners = [
    [5, 5, 1, 1], [19, 5, -1, 1], [5, 19, 1, -1], [19, 19, -1, -1],
  ] as const;
  return (
    <g>
      <rect x="9" y="9" width="6" height="6" rx="1" />
      {corners.map(([x, y, dx, dy], i) => {
        const tipX = inward ? x + dx * 3.2 : x;
        const tipY = inward ? y + dy * 3.2 : y;
        const hx = inward ? -dx : dx;
        const hy = inward ? -dy : dy;
        return (
          <g key={i}>
            <path d={`M${x + dx * 3.2} ${y + dy * 3.2}L${x} ${y}`} />
            <path d={`M${tipX - hx * 2.6} ${tipY}H${tipX}V${tipY - hy * 2.6}`} />
          </g>
        );
      })}
    </g>
  );
}

export function CameraGlyph({ move }: { move: CameraMoveId }) {
  let body;
  if (move === 'static') {
    body = (
      <g>
        <rect x="5" y="6" width="14" height="10" rx="2" />
        <path d="M12 16v3M8.5 20.5 12 19l3.5 1.5" />
      </g>
    );
  } else if (move === 'handheld') {
    body = <path d="M3.5 12c1.4-3 2.8-3 4.2 0s2.8 3 4.3 0 2.8-3 4.2 0 2.8 3 4.3 0" />;
  } else if (move === 'zoom-in' || move === 'zoom-out') {
    body = <Zoom inward={move === 'zoom-out'} />;
  } else if (move.startsWith('pan-')) {
    body = <Straight dir={move.slice(4)} />;
  } else if (move.startsWith('tilt-')) {
    body = <Turn dir={move.slice(5)} />;
  } else {
    body = <Orbit dir={move === 'around-left' ? 'left' : 'right'} />;
  }
  return (
    <svg className="glyph" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
      {body}
    </svg>
  );
}
