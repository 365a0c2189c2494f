// The ffmpeg binary shipped by @ffmpeg-installer/ffmpeg, spawned directly (no wrapper library): the media code
// needs a handful of fixed command lines, and owning the process lets it pipe frames and report failures precisely.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { EngineError } from '../engine/api.js';

let resolved: string | undefined;

/**
 * HYVIDEO_FFMPEG overrides the bundled binary. In a packaged Electron app the binary sits in app.asar.unpacked (a
 * process cannot be spawned from inside an asar archive), hence the rewrite.
 */
export function ffmpegPath(): string {
  const override = process.env.HYVIDEO_FFMPEG;
  if (override) return override;
  if (resolved) return resolved;
  try {
    const installer = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string };
    resolved = installer.path.replace(`app.asar${'/'}`, 'app.asar.unpacked/').replace('app.asar\\', 'app.asar.unpacked\\');
    return resolved;
  } catch (error) {
    throw new EngineError('internal', `ffmpeg is not available: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export interface FfmpegRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs ffmpeg with `args`, writing `input` to its stdin (then closing it) and collecting stdout and stderr. */
export function runFfmpeg(args: readonly string[], input?: Uint8Array): Promise<FfmpegRun> {
  return new Promise((resolve, reject) => {
    // -nostdin keeps ffmpeg from reading keystrokes when no frames are piped.
    const child = spawn(ffmpegPath(), ['-hide_banner', ...(input ? [] : ['-nostdin']), ...args], {
      stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(new EngineError('internal', `cannot start ffmpeg (${ffmpegPath()}): ${error.message}`)));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') }));
    if (input && child.stdin) {
      // ffmpeg closes its stdin when it fails early; the exit code and stderr then tell the story, not EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}

/** The last meaningful lines of ffmpeg's stderr, for error messages. */
export function ffmpegErrorTail(stderr: string): string {
  return stderr.trim().split('\n').slice(-3).join(' | ');
}
