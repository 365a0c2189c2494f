// Reading the generation record back out of a dropped MP4, so its settings can be restored. The page sends the
// file's bytes (a browser cannot name a path); they are written to a private temporary file for electron/media's
// reader, and what it finds is checked against the contract, so a foreign or damaged file yields null.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GenerationRecord } from '../engine/api.js';
import { readClipMetadata } from '../media/metadata.js';
import { GenerationRecordSchema } from '../shared/ipc/contract.js';

export async function readClipRecord(bytes: Uint8Array): Promise<GenerationRecord | null> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hyv-drop-'));
  const file = path.join(dir, `${randomBytes(6).toString('hex')}.mp4`);
  try {
    await fs.writeFile(file, bytes, { mode: 0o600 });
    const record = await readClipMetadata(file);
    const parsed = GenerationRecordSchema.safeParse(record);
    return parsed.success ? (parsed.data as GenerationRecord) : null;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
