// The recent-projects list (most recent first, at most ten), kept in the user data folder.
import { z } from 'zod';
import { readJson, writeJsonAtomic } from '../engine-host/atomic-json.js';
import type { RecentProject } from '../shared/ipc/contract.js';

const Stored = z.object({ format: z.literal(1), projects: z.array(z.object({ file: z.string(), name: z.string(), openedAt: z.number() })) });
export const MAX_RECENT = 10;

export class RecentProjects {
  private items: RecentProject[] = [];

  constructor(private readonly file: string) {}

  async load(): Promise<void> {
    const saved = await readJson(this.file);
    if (saved.kind !== 'ok') return;
    const parsed = Stored.safeParse(saved.value);
    if (parsed.success) this.items = parsed.data.projects.slice(0, MAX_RECENT);
  }

  list(): RecentProject[] {
    return this.items.map((item) => ({ ...item }));
  }

  has(file: string): boolean {
    return this.items.some((item) => item.file === file);
  }

  async add(file: string, name: string, openedAt: number): Promise<void> {
    this.items = [{ file, name, openedAt }, ...this.items.filter((item) => item.file !== file)].slice(0, MAX_RECENT);
    await writeJsonAtomic(this.file, { format: 1, projects: this.items });
  }

  async remove(file: string): Promise<void> {
    this.items = this.items.filter((item) => item.file !== file);
    await writeJsonAtomic(this.file, { format: 1, projects: this.items });
  }
}
