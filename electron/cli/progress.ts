// How the CLI shows a job: a one-line progress bar on a terminal, plain lines when piped, JSON lines with --json.

import type { EngineEvent } from '../engine/api.js';

export type Reporter = (event: EngineEvent | { type: 'saved'; path: string; bytes: number }) => void;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** One JSON object per line; preview pixels are left out (a terminal is no place for them), their size is kept. */
export function jsonReporter(write: (line: string) => void): Reporter {
  return (event) => {
    if (event.type === 'preview') {
      const { rgb: _rgb, ...rest } = event;
      write(JSON.stringify(rest));
    } else if (event.type === 'done') {
      const { frames: _frames, ...result } = event.result;
      write(JSON.stringify({ type: 'done', jobId: event.jobId, result }));
    } else {
      write(JSON.stringify(event));
    }
  };
}

export function progressBarReporter(stream: NodeJS.WritableStream, width = 30): Reporter {
  let barShown = false;
  const endBar = () => {
    if (barShown) stream.write('\n');
    barShown = false;
  };
  return (event) => {
    switch (event.type) {
      case 'stage':
        if (event.stage !== 'denoise') {
          endBar();
          stream.write(`${event.stage}…\n`);
        }
        break;
      case 'progress': {
        const filled = Math.round((event.step / event.total) * width);
        const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
        stream.write(`\r${bar} step ${event.step}/${event.total}  ${seconds(event.elapsedMs)} elapsed  ETA ${seconds(event.etaMs)}\x1b[K`);
        barShown = true;
        break;
      }
      case 'saved':
        endBar();
        stream.write(`saved ${event.path} (${(event.bytes / 1024).toFixed(1)} KiB)\n`);
        break;
      case 'failed':
        endBar();
        break;
      case 'cancelled':
        endBar();
        stream.write('cancelled\n');
        break;
      default:
        break;
    }
  };
}

export function plainReporter(stream: NodeJS.WritableStream): Reporter {
  return (event) => {
    if (event.type === 'stage') stream.write(`${event.stage}\n`);
    else if (event.type === 'progress' && (event.step === event.total || event.step % 5 === 0)) stream.write(`step ${event.step}/${event.total} ${seconds(event.elapsedMs)}\n`);
    else if (event.type === 'saved') stream.write(`saved ${event.path}\n`);
    else if (event.type === 'cancelled') stream.write('cancelled\n');
  };
}
