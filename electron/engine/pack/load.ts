// Finding and validating model packs (docs/PACK_FORMAT.md). Listing reads only manifests; a pack is verified in
// full (every file present, the right size, the right sha256) before its first generation. Each way a pack can be
// broken raises its own EngineError code, with a message that names the file and the problem.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { EngineError, type PackSummary } from '../api.js';
import { parseManifest, type GraphKey, type PackFileEntry, type PackManifest, type TokenizerKey } from './manifest.js';

export const MANIFEST_FILE = 'manifest.json';

export interface Pack {
  dir: string;
  manifest: PackManifest;
  /** sha256 of manifest.json's bytes: with the manifest listing every file's sha256, it pins the whole pack. */
  manifestSha256: string;
}

export type PackFileKey = GraphKey | TokenizerKey;

export function packFileEntry(pack: Pack, key: PackFileKey): PackFileEntry | undefined {
  return pack.manifest.files[key];
}

export function packFilePath(pack: Pack, key: PackFileKey): string {
  const entry = packFileEntry(pack, key);
  if (!entry) throw new EngineError('pack-manifest', `${path.join(pack.dir, MANIFEST_FILE)}: files.${key} is not listed`);
  return path.join(pack.dir, entry.path);
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Reads and checks manifest.json of the pack in `dir` (no other file is touched). */
export async function readPack(dir: string): Promise<Pack> {
  const manifestPath = path.join(dir, MANIFEST_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(manifestPath);
  } catch (error) {
    if (isNotFound(error)) throw new EngineError('pack-missing-file', `${manifestPath}: missing (not a model pack folder?)`);
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new EngineError('pack-manifest', `${manifestPath}: not valid JSON (${(error as Error).message})`);
  }
  const manifest = parseManifest(json, manifestPath);
  return { dir: path.resolve(dir), manifest, manifestSha256: createHash('sha256').update(bytes).digest('hex') };
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Remembers digests by (path, size, mtime), so a pack is hashed once per process rather than once per job; the DiT
 * of a real pack is gigabytes.
 */
export class DigestCache {
  private readonly digests = new Map<string, string>();

  async sha256(file: string, size: number, mtimeMs: number): Promise<string> {
    const key = `${file}\0${size}\0${mtimeMs}`;
    let digest = this.digests.get(key);
    if (digest === undefined) {
      digest = await sha256File(file);
      this.digests.set(key, digest);
    }
    return digest;
  }
}

/** Checks that every file the manifest lists exists with its size and sha256. */
export async function verifyPackFiles(pack: Pack, cache = new DigestCache()): Promise<void> {
  for (const [key, entry] of Object.entries(pack.manifest.files)) {
    if (!entry || typeof entry !== 'object') continue;
    const { path: relative, bytes, sha256 } = entry as PackFileEntry;
    const file = path.join(pack.dir, relative);
    let info;
    try {
      info = await stat(file);
    } catch (error) {
      if (isNotFound(error)) throw new EngineError('pack-missing-file', `${file}: missing (listed as files.${key} in ${MANIFEST_FILE})`);
      throw error;
    }
    if (!info.isFile()) throw new EngineError('pack-missing-file', `${file}: not a file (listed as files.${key})`);
    if (info.size !== bytes) {
      throw new EngineError('pack-checksum', `${file}: ${info.size} bytes, but ${MANIFEST_FILE} lists ${bytes} (incomplete download or modified file)`);
    }
    const actual = await cache.sha256(file, info.size, info.mtimeMs);
    if (actual !== sha256) {
      throw new EngineError('pack-checksum', `${file}: sha256 ${actual} does not match ${MANIFEST_FILE} (${sha256}); the file is corrupt or was modified`);
    }
  }
}

export interface PackSearch {
  packs: Pack[];
  /** Folders that look like packs but cannot be read; listed so the UI can say why a pack is missing. */
  problems: Array<{ dir: string; error: EngineError }>;
}

/**
 * Each entry of `dirs` is a pack folder itself or a folder of packs (the bundled native-models/packs/, the user's
 * packs folder). Folders that do not exist are skipped; an earlier folder wins when two packs share an id.
 */
export async function findPacks(dirs: readonly string[]): Promise<PackSearch> {
  const search: PackSearch = { packs: [], problems: [] };
  const candidates: string[] = [];
  for (const dir of dirs) {
    const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
      if (isNotFound(error)) return null;
      throw error;
    });
    if (!entries) continue;
    if (entries.some((e) => e.isFile() && e.name === MANIFEST_FILE)) {
      candidates.push(dir);
      continue;
    }
    const subdirs = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
    for (const name of subdirs) {
      const sub = path.join(dir, name);
      const hasManifest = await stat(path.join(sub, MANIFEST_FILE)).then(() => true, () => false);
      if (hasManifest) candidates.push(sub);
    }
  }
  for (const dir of candidates) {
    try {
      const pack = await readPack(dir);
      const clash = search.packs.find((p) => p.manifest.id === pack.manifest.id);
      if (clash) {
        search.problems.push({ dir, error: new EngineError('pack-manifest', `${path.join(dir, MANIFEST_FILE)}: pack id "${pack.manifest.id}" is already provided by ${clash.dir}; ignored`) });
      } else {
        search.packs.push(pack);
      }
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      search.problems.push({ dir, error });
    }
  }
  return search;
}

export function summarizePack(pack: Pack): PackSummary {
  const { manifest: m } = pack;
  return {
    id: m.id,
    name: m.name,
    version: m.version,
    dir: pack.dir,
    defaults: {
      width: m.defaults.width,
      height: m.defaults.height,
      frames: m.defaults.frames,
      steps: m.defaults.steps,
      shift: m.defaults.shift,
      guidance: m.defaults.guidance,
      fps: m.defaults.fps,
      cfgScale: m.defaults.cfg_scale,
    },
    sizes: m.sizes.map((s) => ({ width: s.width, height: s.height })),
    frameCounts: [...m.frame_counts],
    guidanceEmbed: m.architecture.dit.guidance_embed,
  };
}
