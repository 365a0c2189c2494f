// Media requests resolve only to media files inside a root, whatever the path tries.
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRawMediaPath, mediaPathFor, parseRange, resolveMedia } from '../../../electron/main/media-access.js';

let dir: string;
let roots: Record<string, string>;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'hyv-media-')));
  const project = path.join(dir, 'project');
  mkdirSync(path.join(project, 'media', 'sub dir'), { recursive: true });
  mkdirSync(path.join(dir, 'packs', 'p1'), { recursive: true });
  writeFileSync(path.join(project, 'media', 'take.mp4'), 'mp4');
  writeFileSync(path.join(project, 'media', 'sub dir', 'ünï cödé #1.mp4'), 'mp4');
  writeFileSync(path.join(project, 'project.hyvproj'), '{}');
  writeFileSync(path.join(dir, 'packs', 'p1', 'thumb.png'), 'png');
  writeFileSync(path.join(dir, 'outside.mp4'), 'secret');
  symlinkSync(path.join(dir, 'outside.mp4'), path.join(project, 'media', 'link-out.mp4'));
  symlinkSync(path.join(project, 'media', 'take.mp4'), path.join(project, 'media', 'link-in.mp4'));
  symlinkSync(dir, path.join(project, 'media', 'dir-out'));
  roots = { project, 'packs-0': path.join(dir, 'packs') };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveMedia', () => {
  it('serves media inside the roots, including encoded names and symlinks that stay inside', async () => {
    expect(await resolveMedia(roots, 'project/media/take.mp4')).toMatchObject({ ok: true, contentType: 'video/mp4', size: 3 });
    expect(await resolveMedia(roots, `project/media/sub%20dir/${encodeURIComponent('ünï cödé #1.mp4')}`)).toMatchObject({ ok: true });
    expect(await resolveMedia(roots, 'project/media/link-in.mp4')).toMatchObject({ ok: true, file: path.join(roots.project!, 'media', 'take.mp4') });
    expect(await resolveMedia(roots, 'packs-0/p1/thumb.png')).toMatchObject({ ok: true, contentType: 'image/png' });
  });

  it.each([
    ['project/../outside.mp4', 400],
    ['project/media/../../outside.mp4', 400],
    ['project/%2e%2e/outside.mp4', 400],
    ['project/%2E%2E/outside.mp4', 400],
    ['project/.%2e/outside.mp4', 400],
    ['project/media%2f..%2f..%2foutside.mp4', 400],
    ['project/media/..%5c..%5coutside.mp4', 400],
    ['project/media\\..\\..\\outside.mp4', 400],
    ['/etc/passwd', 400],
    ['project//etc/passwd.mp4', 400],
    ['project/media/take.mp4%00.png', 400],
    ['project/C:/outside.mp4', 400],
    ['project/media/%E0%A4%A', 400],
    ['project/media/link-out.mp4', 403],
    ['project/media/dir-out/outside.mp4', 403],
    ['project/project.hyvproj', 403],
    ['project/media', 403],
    ['nowhere/take.mp4', 404],
    ['__proto__/take.mp4', 400],
    ['constructor/take.mp4', 404],
    ['project/media/missing.mp4', 404],
  ])('refuses %s (%i)', async (raw, status) => {
    const result = await resolveMedia(roots, raw);
    expect(result).toMatchObject({ ok: false, status });
  });

  it('never resolves outside its roots, for any path built from dots, slashes and encodings', async () => {
    const piece = fc.constantFrom('..', '.', '%2e%2e', '%2e', '.%2e', '%2E.', 'media', 'take.mp4', 'outside.mp4', 'link-out.mp4', 'dir-out', '', '%2f', '%5c', '\\', '%00', '~', 'project', '%252e%252e');
    await fc.assert(fc.asyncProperty(fc.constantFrom('project', 'packs-0', 'x'), fc.array(piece, { maxLength: 6 }), async (root, pieces) => {
      const result = await resolveMedia(roots, [root, ...pieces].join('/'));
      if (result.ok) {
        const inside = Object.values(roots).some((r) => result.file.startsWith(r + path.sep));
        expect(inside).toBe(true);
        expect(result.file).not.toBe(path.join(dir, 'outside.mp4'));
      }
    }), { numRuns: 2000 });
  });
});

describe('checkRawMediaPath', () => {
  it('splits a clean path into the root and decoded segments', () => {
    expect(checkRawMediaPath('project/media/a%20b.mp4')).toEqual({ ok: true, rootId: 'project', segments: ['media', 'a b.mp4'] });
  });
});

describe('mediaPathFor', () => {
  it('names a file under its root, percent-encoded, or null outside every root', () => {
    expect(mediaPathFor(roots, path.join(roots.project!, 'media', 'a b#1.mp4'))).toBe('project/media/a%20b%231.mp4');
    expect(mediaPathFor(roots, path.join(dir, 'outside.mp4'))).toBeNull();
    expect(mediaPathFor(roots, roots.project!)).toBeNull();
  });
});

describe('parseRange', () => {
  it('reads single byte ranges the way <video> asks for them', () => {
    expect(parseRange('bytes=0-', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
    expect(parseRange('bytes=90-200', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-2', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseRange(undefined, 100)).toBeNull();
  });
});
