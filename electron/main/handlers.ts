// The answer to every request of the contract. Payloads arrive already validated by the router; these functions
// only act on the studio. The same object serves Electron IPC and the web-mode WebSocket.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import type { GenerationRequest } from '../engine/api.js';
import { IpcFailure, type Handlers } from '../shared/ipc/router.js';
import { ProjectFileError } from './project-file.js';
import type { Studio } from './studio.js';

function engineUnavailable(error: unknown): IpcFailure {
  return new IpcFailure('internal', `The engine is not available: ${error instanceof Error ? error.message : String(error)}`);
}

async function asProjectFailure<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ProjectFileError) throw new IpcFailure('not-found', error.message);
    throw error;
  }
}

export function createHandlers(studio: Studio): Handlers {
  const native = () => studio.options.native;
  return {
    'app.info': () => ({
      name: 'HyVideo Studio',
      version: studio.options.version,
      mode: studio.options.mode,
      platform: studio.options.platform ?? `${os.platform()}-${os.arch()}`,
      capabilities: { nativeDialogs: Boolean(native()), nativeDrag: Boolean(native()) },
    }),

    'packs.list': async () => {
      try {
        return await studio.host.listPacks();
      } catch (error) {
        throw engineUnavailable(error);
      }
    },

    'engine.status': () => studio.engineStatus(),

    'jobs.submit': async ({ request }) => {
      const job = await studio.queue.submit(request as GenerationRequest, studio.outputDir);
      return { jobId: job.id };
    },

    'jobs.cancel': async ({ jobId }) => {
      if (!studio.queue.get(jobId)) throw new IpcFailure('not-found', `There is no job ${jobId}.`);
      return { cancelled: await studio.queue.cancel(jobId) };
    },

    'jobs.remove': async ({ jobId }) => {
      const outcome = await studio.queue.remove(jobId);
      if (outcome === 'missing') throw new IpcFailure('not-found', `There is no job ${jobId}.`);
      if (outcome === 'running') throw new IpcFailure('conflict', 'A running job cannot be removed; cancel it first.');
      return { removed: true };
    },

    'queue.get': () => studio.queueState(),
    'queue.pause': async () => {
      await studio.queue.pause();
      return studio.queueState();
    },
    'queue.resume': async () => {
      await studio.queue.resume();
      return studio.queueState();
    },

    'project.current': () => studio.project,
    'project.recent': () => studio.recent.list(),

    'project.open': async () => {
      const shell = native();
      if (!shell) throw new IpcFailure('unsupported', 'Opening projects with a dialog needs the desktop app; in web mode start with --project <folder>.');
      const file = await shell.chooseProjectToOpen();
      if (!file) return null;
      return asProjectFailure(() => studio.openProjectFile(file));
    },

    'project.openRecent': async ({ file }) => {
      if (!studio.recent.has(file)) throw new IpcFailure('not-found', 'That project is not in the recent list.');
      return asProjectFailure(async () => {
        try {
          return await studio.openProjectFile(file);
        } catch (error) {
          // A project that was moved or deleted leaves the list.
          if (error instanceof ProjectFileError) await studio.recent.remove(file);
          throw error;
        }
      });
    },

    'project.saveAs': async () => {
      const shell = native();
      if (!shell) throw new IpcFailure('unsupported', 'Saving projects with a dialog needs the desktop app.');
      const file = await shell.chooseProjectSaveFile(studio.project.name);
      if (!file) return null;
      return studio.saveProjectAs(file);
    },

    'clip.startDrag': async ({ jobId }) => {
      const shell = native();
      if (!shell) throw new IpcFailure('unsupported', 'Native drag needs the desktop app; the browser drags a download link instead.');
      const job = studio.queue.get(jobId);
      if (!job?.clip) throw new IpcFailure('not-found', `Job ${jobId} has no finished clip.`);
      const exists = await fs.stat(job.clip.file).then((s) => s.isFile(), () => false);
      if (!exists) throw new IpcFailure('not-found', `The clip ${job.clip.file} is no longer on disk.`);
      shell.startDrag(job.clip.file);
      return { started: true };
    },

    'clip.inspect': async ({ bytes }) => {
      const read = studio.options.readClipRecord;
      if (!read) throw new IpcFailure('unsupported', 'Reading generation records from clips is not available in this build.');
      return { record: await read(bytes) };
    },
  };
}
