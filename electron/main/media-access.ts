// Which files the studio's page may load: only media inside the open project's folder and the pack folders.
// Both the Electron media protocol and the web-mode server resolve requests here. The raw, still-encoded path is
// checked before anything decodes or normalises it, so "..", "%2e%2e", encoded slashes, backslashes, absolute
// paths and symlinks that lead out of a root are all refused.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export type MediaRoots = Readonly<Record<string, string>>;

export type MediaResolution =
  | { ok: true; file: string; size: number; contentType: string }
  | { ok: false; status: 400 | 403 | 404; reason: string };

const contentTypes: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.webm': 'video/webm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.wav': 'audio/wav',
};

export function mediaContentType(file: string): string | undefined {
  return contentTypes[path.extname(file).toLowerCase()];
}

const rootIdPattern = /^[a-z][a-z0-9-]{0,63}$/;

/** Checks a raw request path such as "project/media/clip.mp4" (no leading slash, still percent-encoded). */
export function checkRawMediaPath(rawPath: string): { ok: true; rootId: string; segments: string[] } | { ok: false; reason: string } {
  // Encoded dots, slashes and backslashes have no business in a media URL: refuse them rather than decode them.
  if (/%2e|%2f|%5c|%00/i.test(rawPath)) return { ok: false, reason: 'encoded dot, slash or NUL' };
  if (rawPath.includes('\\') || rawPath.includes('\0')) return { ok: false, reason: 'backslash or NUL' };
  if (rawPath.startsWith('/')) return { ok: false, reason: 'absolute path' };
  const [rootId, ...rawSegments] = rawPath.split('/');
  if (!rootId || !rootIdPattern.test(rootId)) return { ok: false, reason: 'unknown root' };
  if (rawSegments.length === 0) return { ok: false, reason: 'no file named' };
  const segments: string[] = [];
  for (const raw of rawSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, reason: 'bad percent-encoding' };
    }
    if (segment === '' || segment === '.' || segment === '..') return { ok: false, reason: 'empty or dot segment' };
    if (/[/\\\0:]/.test(segment)) return { ok: false, reason: 'separator, drive or NUL in a segment' };
    if (/[\u0000-\u001f]/.test(segment)) return { ok: false, reason: 'control character' };
    segments.push(segment);
  }
  return { ok: true, rootId, segments };
}

function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

export async function resolveMedia(roots: MediaRoots, rawPath: string): Promise<MediaResolution> {
  const checked = checkRawMediaPath(rawPath);
  if (!checked.ok) return { ok: false, status: 400, reason: checked.reason };
  const root = Object.prototype.hasOwnProperty.call(roots, checked.rootId) ? roots[checked.rootId] : undefined;
  if (!root) return { ok: false, status: 404, reason: 'unknown root' };
  const candidate = path.join(root, ...checked.segments);
  if (!isInside(path.resolve(root), path.resolve(candidate))) return { ok: false, status: 403, reason: 'outside the root' };
  const contentType = mediaContentType(candidate);
  if (!contentType) return { ok: false, status: 403, reason: 'not a media file' };
  let realRoot: string;
  let realFile: string;
  try {
    realRoot = await fs.realpath(root);
    realFile = await fs.realpath(candidate);
  } catch {
    return { ok: false, status: 404, reason: 'no such file' };
  }
  // A symlink inside the root may point anywhere; only what it finally resolves to counts.
  if (!isInside(realRoot, realFile)) return { ok: false, status: 403, reason: 'resolves outside the root' };
  const stat = await fs.stat(realFile).catch(() => null);
  if (!stat?.isFile()) return { ok: false, status: 404, reason: 'not a file' };
  return { ok: true, file: realFile, size: stat.size, contentType };
}

/** The root id and encoded path under which a file is served, or null when it lies outside every root. */
export function mediaPathFor(roots: MediaRoots, file: string): string | null {
  const resolved = path.resolve(file);
  for (const [rootId, root] of Object.entries(roots)) {
    const base = path.resolve(root);
    if (!isInside(base, resolved)) continue;
    const segments = path.relative(base, resolved).split(path.sep).map(encodeURIComponent);
    return [rootId, ...segments].join('/');
  }
  return null;
}

/** Parses a single "bytes=a-b" range against a file size (multi-range requests get the whole file). */
export function parseRange(header: string | undefined | null, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, a, b] = match;
  let start: number;
  let end: number;
  if (a === '' && b === '') return null;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
