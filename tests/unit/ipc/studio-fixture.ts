// A real Studio on a scratch folder for IPC tests. Its engine launcher refuses to start a process: the requests
// these tests send must be refused before anything reaches the engine, and a launch would prove otherwise.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineLauncher } from '../../../electron/engine-host/launcher.js';
import { Studio } from '../../../electron/main/studio.js';

export interface StudioFixture {
  studio: Studio;
  dir: string;
  launches: () => number;
  /** Everything a request could change: queue, project, recent list, engine, and the files on disk. */
  snapshot: () => unknown;
  cleanup: () => Promise<void>;
}

export async function createStudioFixture(): Promise<StudioFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hyv-ipc-'));
  let launches = 0;
  const launcher: EngineLauncher = {
    launch() {
      launches++;
      throw new Error('this test must not start the engine');
    },
  };
  const studio = new Studio({
    mode: 'web',
    version: '0.0.0-test',
    userDataDir: path.join(dir, 'user-data'),
    packDirs: [path.join(dir, 'packs')],
    projectDir: path.join(dir, 'project'),
    launcher,
    mediaUrl: (p) => `/media/${p}`,
  });
  await studio.start();
  // A saved, paused queue holding one job, so there is state to leave untouched.
  await studio.queue.pause();
  await studio.queue.submit({ prompt: 'a red circle', seed: 7 }, studio.outputDir);
  const read = (file: string) => {
    try {
      return readFileSync(path.join(dir, 'user-data', file), 'utf8');
    } catch {
      return null;
    }
  };
  return {
    studio,
    dir,
    launches: () => launches,
    snapshot: () => ({
      queue: studio.queueState(),
      project: studio.project,
      recent: studio.recent.list(),
      engine: studio.engineStatus(),
      queueFile: read('queue.json'),
      recentFile: read('recent-projects.json'),
    }),
    cleanup: async () => {
      await studio.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
