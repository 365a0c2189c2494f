// Reading a clip's generation record back: from the MP4's `comment` tag (via ffmpeg's ffmetadata output), else from
// the .json sidecar next to it.

import { readFile } from 'node:fs/promises';
import type { GenerationRecord } from '../engine/api.js';
import { runFfmpeg } from './ffmpeg.js';

/** clip.mp4 → clip.json */
export function sidecarPath(clipPath: string): string {
  return clipPath.replace(/\.[^./\\]+$/, '') + '.json';
}

/** Undoes ffmetadata escaping: '=', ';', '#', '\' and newline are preceded by a backslash. */
function unescapeFfmetadata(value: string): string {
  return value.replace(/\\(.)/gs, '$1');
}

/** Tags of the first metadata section of an ffmetadata file (`;FFMETADATA1`, then key=value lines). */
export function parseFfmetadata(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  // Values may continue over escaped newlines; split on newlines not preceded by a backslash.
  const lines = text.split(/(?<!\\)\n/);
  for (const line of lines) {
    if (line.startsWith(';') || line.startsWith('#')) continue;
    if (line.startsWith('[')) break;
    const eq = line.search(/(?<!\\)=/);
    if (eq <= 0) continue;
    tags[unescapeFfmetadata(line.slice(0, eq))] = unescapeFfmetadata(line.slice(eq + 1));
  }
  return tags;
}

function asRecord(json: unknown): GenerationRecord | null {
  if (typeof json !== 'object' || json === null) return null;
  const r = json as Partial<GenerationRecord>;
  return typeof r.prompt === 'string' && typeof r.seed === 'number' && typeof r.pack === 'object' ? (json as GenerationRecord) : null;
}

function parseRecord(text: string | undefined): GenerationRecord | null {
  if (!text) return null;
  try {
    return asRecord(JSON.parse(text));
  } catch {
    return null;
  }
}

/** The record embedded in `clipPath`, or its sidecar's, or null when neither holds one. */
export async function readClipMetadata(clipPath: string): Promise<GenerationRecord | null> {
  const run = await runFfmpeg(['-loglevel', 'error', '-i', clipPath, '-f', 'ffmetadata', 'pipe:1']);
  if (run.code === 0) {
    const embedded = parseRecord(parseFfmetadata(run.stdout.toString('utf8')).comment);
    if (embedded) return embedded;
  }
  const sidecar = await readFile(sidecarPath(clipPath), 'utf8').catch(() => undefined);
  return parseRecord(sidecar);
}
