// Starts web mode exactly as `npm start` does, and reads the URL it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RunningStudio {
  url: string;
  origin: string;
  projectDir: string;
  userDataDir: string;
  output: () => string;
  stop: () => Promise<void>;
}

export async function startStudio(extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningStudio> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'hyv-e2e-'));
  const projectDir = path.join(scratch, 'My Shots');
  const userDataDir = path.join(scratch, 'user-data');
  const child: ChildProcess = spawn('npm', ['start', '--', '--project', projectDir, '--user-data', userDataDir], {
    cwd: path.resolve(import.meta.dirname, '..', '..'),
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so the tsx and engine children stop with it
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web mode printed no URL within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const match = /Open:\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(scratch, { recursive: true, force: true });
  };
  return { url, origin: new URL(url).origin, projectDir, userDataDir, output: () => output, stop };
}
