// How the engine process is started. The host only needs a child it can message, watch and kill; web mode and
// the CLI fork a Node process, the Electron app starts a utilityProcess (electron/main/utility-launcher.ts).
import { fork } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EngineToHost, HostToEngine } from './protocol.js';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

export interface EngineChild {
  readonly pid: number | undefined;
  send(message: HostToEngine): void;
  onMessage(listener: (message: EngineToHost) => void): void;
  onExit(listener: (info: ExitInfo) => void): void;
  kill(signal?: NodeJS.Signals): void;
  /** The last lines the process wrote to stderr, for crash reports. */
  stderrTail(): string;
}

export interface EngineLauncher {
  launch(): EngineChild;
}

/** The engine process entry next to this file (.ts under tsx in development, .js once compiled). */
export function engineProcessEntry(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return path.join(here, `engine-process${ext}`);
}

function tsxLoader(): string {
  // Resolved from this file, not the working directory, so the studio can be started from anywhere.
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

export interface ForkLauncherOptions {
  entry?: string;
  env?: NodeJS.ProcessEnv;
  /** Forward the engine's stderr to ours as well as keeping its tail. */
  echoStderr?: boolean;
}

export function forkLauncher(options: ForkLauncherOptions = {}): EngineLauncher {
  const entry = options.entry ?? engineProcessEntry();
  return {
    launch() {
      // A TypeScript entry runs under tsx, as `npm start` and the tests do; compiled builds run plain .js.
      const execArgv = entry.endsWith('.ts') ? ['--import', tsxLoader()] : [];
      const child = fork(entry, [], {
        execArgv,
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
        env: { ...process.env, ...options.env },
      });
      let tail = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        if (options.echoStderr) process.stderr.write(chunk);
        tail = (tail + chunk.toString('utf8')).slice(-4000);
      });
      return {
        get pid() {
          return child.pid;
        },
        send(message) {
          if (child.connected) child.send(message);
        },
        onMessage(listener) {
          child.on('message', (message) => listener(message as EngineToHost));
        },
        onExit(listener) {
          child.on('exit', (code, signal) => listener({ code, signal }));
          // A process that could not be spawned at all reports only 'error'.
          child.on('error', (error) => {
            tail += `\n${error.message}`;
            if (child.pid === undefined) listener({ code: null, signal: null });
          });
        },
        kill(signal = 'SIGTERM') {
          child.kill(signal);
        },
        stderrTail: () => tail,
      };
    },
  };
}
