// JSON files that are never half-written: write a temporary file beside the target, flush it, then rename it over
// the target (a rename within one folder is atomic on the file systems we run on). Writes to one file are
// serialised, so the last state asked for is the one that lands.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

const chains = new Map<string, Promise<void>>();

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const previous = chains.get(file) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(async () => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(JSON.stringify(value, null, 2) + '\n', 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(temp, file);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
  });
  chains.set(file, next);
  try {
    await next;
  } finally {
    if (chains.get(file) === next) chains.delete(file);
  }
}

/** The parsed file, `missing` when there is none, or `corrupt` (moved aside so it is not lost) when unreadable. */
export async function readJson(file: string): Promise<{ kind: 'ok'; value: unknown } | { kind: 'missing' } | { kind: 'corrupt'; movedTo: string }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  try {
    return { kind: 'ok', value: JSON.parse(text) };
  } catch {
    const movedTo = `${file}.corrupt-${Date.now()}`;
    await fs.rename(file, movedTo).catch(() => undefined);
    return { kind: 'corrupt', movedTo };
  }
}
