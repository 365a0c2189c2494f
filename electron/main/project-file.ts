// The .hyvproj file that names a project folder. The project document itself (shots, takes, timeline) belongs to
// electron/project/; the shell only needs to know that a file is a project, what it is called, and where its
// folder (and so its media/) is.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../engine-host/atomic-json.js';
import type { ProjectInfo } from '../shared/ipc/contract.js';

export const PROJECT_EXTENSION = '.hyvproj';

const ProjectHeader = z.looseObject({ format: z.number().int().min(1), name: z.string().min(1).max(200) });

export class ProjectFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectFileError';
  }
}

export function isProjectFile(file: string): boolean {
  return path.extname(file).toLowerCase() === PROJECT_EXTENSION;
}

export function projectInFolder(dir: string): ProjectInfo {
  return { name: path.basename(dir), file: null, dir: path.resolve(dir) };
}

export async function readProjectFile(file: string): Promise<ProjectInfo> {
  if (!isProjectFile(file)) throw new ProjectFileError(`${path.basename(file)} is not a ${PROJECT_EXTENSION} project file.`);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new ProjectFileError(`The project file ${file} could not be read.`);
  }
  let header: z.infer<typeof ProjectHeader>;
  try {
    header = ProjectHeader.parse(JSON.parse(text));
  } catch {
    throw new ProjectFileError(`${path.basename(file)} is not a valid project file.`);
  }
  return { name: header.name, file: path.resolve(file), dir: path.dirname(path.resolve(file)) };
}

/** Writes a new project file, or updates the name in an existing one while keeping its other contents. */
export async function writeProjectFile(file: string, name: string): Promise<ProjectInfo> {
  const target = isProjectFile(file) ? file : file + PROJECT_EXTENSION;
  let existing: Record<string, unknown> = {};
  try {
    existing = ProjectHeader.parse(JSON.parse(await fs.readFile(target, 'utf8')));
  } catch {
    existing = { format: 1, createdAt: Date.now() };
  }
  await writeJsonAtomic(target, { ...existing, name });
  return { name, file: path.resolve(target), dir: path.dirname(path.resolve(target)) };
}
